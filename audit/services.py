"""Recording what staff did: the service that does an act calls ``audit_record`` in its own
transaction, and every download of people's details goes through ``personal_data_download``."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from audit.models import AuditEntry
from dscp.csv_export import csv_download

EXPORT_PERMISSION = "audit.export_personal_data"
# The actions callers name, so other apps need not import the model.
AuditAction = AuditEntry.Action


def audit_record(*, actor, action: str, subject: str, count: int | None = None) -> AuditEntry:
    """Append one entry. ``actor`` is a staff user, or None for a person acting on their own data.

    ``subject`` names the thing acted on (a list, an issue, a session), never a person.
    """
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None else "the person, by their link",
        action=action,
        subject=subject[:300],
        count=count,
    )


def personal_data_download(
    *,
    by: AbstractBaseUser,
    what: str,
    filters: str,
    header: Sequence[str],
    records: QuerySet | Sequence[Any],
    row: Callable[[Any], Sequence[str]],
    filename: str,
) -> StreamingHttpResponse:
    """A CSV of people's details for a staff member with the right to take them away.

    Seeing people on a page is not enough: the export right is checked here, the entry
    names what was chosen (``filters``, never a person) and how many rows leave, and the
    rows stream in chunks, each cell made formula-safe, so a long list never sits in memory.
    """
    if not by.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    is_query = isinstance(records, QuerySet)
    count = records.count() if is_query else len(records)
    audit_record(actor=by, action=AuditAction.EXPORTED, subject=f"{what}: {filters}", count=count)
    rows: Iterable[Any] = records.iterator(chunk_size=2000) if is_query else records
    return csv_download(header, map(row, rows), filename=filename, streaming=True)
