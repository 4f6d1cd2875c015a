"""Bounded lock waits: a request waits a few seconds for a busy row, then says "busy, try again".

As pretix does, a service that takes row locks first calls ``bound_lock_wait()``
inside its transaction (``SET LOCAL lock_timeout``, so it ends with the
transaction), and turns PostgreSQL's "lock not available" into its app's
plain-English "busy" error with ``is_lock_timeout(error)``. Without it a request
stuck behind a long transaction would wait until the web server killed it.
"""

from collections.abc import Callable, Iterable

from django.db import OperationalError, connection, transaction
from django.db.models import Model, QuerySet

# Long enough for the queue behind a popular session's lock to clear (each holder
# keeps it for milliseconds), short enough that no one stares at a hung page.
LOCK_WAIT_SECONDS = 10
# PostgreSQL's SQLSTATE for lock_timeout expiring.
_LOCK_NOT_AVAILABLE = "55P03"


def bound_lock_wait(seconds: float | None = None) -> None:
    """Make the rest of this transaction wait at most ``seconds`` (default LOCK_WAIT_SECONDS) for a lock."""
    seconds = LOCK_WAIT_SECONDS if seconds is None else seconds
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bound_lock_wait() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(seconds * 1000)}")  # milliseconds


def is_lock_timeout(error: OperationalError) -> bool:
    """Whether the database gave up waiting for a lock (as set by ``bound_lock_wait``)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE


def each_once(rows: QuerySet, ids: Iterable[int], handle: Callable[[Model], object]) -> int:
    """Call ``handle(row)`` for each of ``ids`` still in ``rows``, each in its own transaction
    with its row locked while ``handle`` runs (an email goes out); returns how many.

    ``rows`` is what is still due (``sent_at`` unset), so the row stays locked until
    ``handle`` has marked it: an overlapping run skips it (``skip_locked``), a later
    run no longer finds it, and if ``handle`` raises, its transaction rolls back and
    the next run tries again. Used by scheduled sends: reminders, evaluation invitations.
    """
    handled = 0
    for pk in list(ids):
        with transaction.atomic():
            row = rows.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
            if row is None:
                continue
            handle(row)
            handled += 1
    return handled
