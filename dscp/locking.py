"""Bounded lock waits: a request waits a few seconds for a busy row, then says "busy, try again".

As pretix does, every service that takes row locks (``select_for_update``) runs
them under ``bounded_lock_wait(AppError)``, entered just inside its
``transaction.atomic()``::

    with transaction.atomic(), bounded_lock_wait(BookingError):
        session = Session.objects.select_for_update().get(pk=session_id)

Every lock the transaction then takes is waited for at most ``LOCK_WAIT_SECONDS``
(``SET LOCAL lock_timeout``, so it ends with the transaction), and a wait that runs
out raises the app's own error with the code ``"busy"`` (each app's ``MESSAGES``
has the sentence). A view may show it next to its form; any other request gets the
"busy, try again" page from ``BusyMiddleware``, never a 500. Without the bound a
request stuck behind a long transaction would wait until the web server killed it.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import Model, QuerySet

from dscp.errors import DomainError

# Long enough for the queue behind a popular session's lock to clear (each holder
# keeps it for milliseconds), short enough that no one stares at a hung page.
LOCK_WAIT_SECONDS = 10
# The code of every app's "busy, try again" error.
BUSY = "busy"
# PostgreSQL's SQLSTATE for lock_timeout expiring.
_LOCK_NOT_AVAILABLE = "55P03"


@contextmanager
def bounded_lock_wait(error: type[DomainError], seconds: float | None = None) -> Iterator[None]:
    """Inside ``transaction.atomic()``: wait at most ``seconds`` (default LOCK_WAIT_SECONDS)
    for each lock the transaction takes; a wait that runs out raises ``error("busy")``."""
    seconds = LOCK_WAIT_SECONDS if seconds is None else seconds
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bounded_lock_wait() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(seconds * 1000)}")  # milliseconds
    try:
        yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise error(BUSY) from exc
        raise


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
