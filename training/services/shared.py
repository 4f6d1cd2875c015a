"""What the booking use-cases share: the session's lock, counting places against capacity,
holds, opening times.

Every function that changes who holds a place locks the session row first
(``select_for_update``) and only then counts, so two people can never take the
last place at the same moment; bookings are locked after their session, always
in that order, so two of these functions cannot deadlock each other.
"""

from datetime import datetime, timedelta

from django.conf import settings

from dscp.dates import format_date
from training.errors import BookingError
from training.models import Booking, Session

REMINDER_BEFORE = timedelta(days=2)


def locked_session(session_id: int) -> Session:
    """The session, locked until the transaction ends.

    Callers run under ``bounded_lock_wait(BookingError)``: behind a stuck transaction
    the person is asked to try again (``busy``) rather than left hanging.
    """
    # The course comes in the same query, so nothing waits on a second one while the
    # lock is held; only the session's row is locked.
    return (
        Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_id)
    )


def places_counted(session: Session) -> int:
    """Places that count against capacity: booked, or held for someone to confirm."""
    return session.bookings.filter(status__in=Booking.COUNTS_AGAINST_CAPACITY).count()


def hold_until(session: Session, now: datetime) -> datetime:
    """When an unconfirmed place or queue spot lapses: after the hold, or at the start."""
    return min(now + timedelta(hours=settings.TRAINING_BOOKING_HOLD_HOURS), session.starts_at)


def check_open(session: Session, now: datetime) -> None:
    """Refuse a booking, for everyone alike, when the course or session is not taking them."""
    if not session.course.active:
        raise BookingError("course_withdrawn")
    state = session.booking_state(now)
    if state == Session.BookingState.CANCELLED:
        raise BookingError("session_cancelled")
    if state == Session.BookingState.CLOSED:
        raise BookingError("session_closed")
    if state == Session.BookingState.NOT_OPEN:
        raise BookingError("session_not_open", opens=format_date(session.booking_opens_at))
