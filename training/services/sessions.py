"""Staff's changes to a session: its places, cancelling it, the register, the queue's order."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.services import AuditAction, audit_record
from dscp import dispatch
from dscp.locking import bounded_lock_wait
from training.errors import BookingError
from training.models import Booking, Session
from training.services.bookings import waitlist_promote
from training.services.shared import locked_session, places_counted


def session_set_capacity(
    *, session: Session, capacity: int, by: AbstractBaseUser, now: datetime | None = None
) -> list[Booking]:
    """Change the number of places, audited as staff member ``by``'s; a rise goes to the
    waiting list in order."""
    with transaction.atomic(), bounded_lock_wait(BookingError):
        locked = locked_session(session.pk)
        counted = places_counted(locked)
        if capacity < counted:
            raise BookingError("capacity_below_booked", counted=counted)
        audit_record(
            actor=by,
            action=AuditAction.CAPACITY_CHANGED,
            subject=f"{locked}: {locked.capacity} to {capacity} places",
            count=capacity,
        )
        locked.capacity = capacity
        locked.save(update_fields=["capacity"])
        session.capacity = capacity
        return waitlist_promote(session=locked, now=now)


def session_cancel(*, session: Session, reason: str = "", now: datetime | None = None) -> int:
    """Cancel a whole session and email everyone who had a place or was waiting; returns how many."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_lock_wait(BookingError):
        session = locked_session(session.pk)
        if session.status == Session.Status.CANCELLED:
            raise BookingError("session_already_cancelled")
        session.status = Session.Status.CANCELLED
        session.cancelled_at = now
        session.cancellation_reason = reason.strip()
        session.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        affected = list(
            session.bookings.select_for_update()
            .filter(
                status__in=[
                    Booking.Status.UNCONFIRMED,
                    Booking.Status.CONFIRMED,
                    Booking.Status.WAITLISTED,
                ]
            )
            .values_list("pk", flat=True)
        )
        Booking.objects.filter(pk__in=affected).update(
            status=Booking.Status.CANCELLED,
            waitlist_position=None,
            cancelled_at=now,
            cancelled_by=Booking.CancelledBy.SESSION,
        )
        for pk in affected:
            dispatch.enqueue("training.tasks.booking_send_cancellation", booking_id=pk)
    return len(affected)


def booking_mark_attendance(
    *, booking: Booking, attended: bool, now: datetime | None = None
) -> Booking:
    """Record on the register whether a person with a place came."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_lock_wait(BookingError):
        # Session first, then the booking, as everywhere here: locking both across a join
        # took them in no set order, which could cross a cancellation of the same booking.
        session = locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        # A place still awaiting confirmation may be marked too: staff on the day have
        # seen the person, which confirms them as well as the link would.
        if booking.status not in Booking.COUNTS_AGAINST_CAPACITY:
            raise BookingError("not_a_place")
        if timezone.localdate(now) < timezone.localdate(session.starts_at):
            raise BookingError("too_early_for_register")
        booking.status = Booking.Status.ATTENDED if attended else Booking.Status.DID_NOT_ATTEND
        booking.verified_at = booking.verified_at or now
        booking.save(update_fields=["status", "verified_at"])
    return booking


def booking_move_up(*, booking: Booking) -> Booking:
    """Swap a person on the waiting list with the person just ahead of them."""
    with transaction.atomic(), bounded_lock_wait(BookingError):
        locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.WAITLISTED:
            raise BookingError("not_waitlisted")
        ahead = (
            Booking.objects.select_for_update()
            .filter(
                session_id=booking.session_id,
                status=Booking.Status.WAITLISTED,
                waitlist_position__lt=booking.waitlist_position,
            )
            .order_by("-waitlist_position")
            .first()
        )
        if ahead is None:
            raise BookingError("top_of_waitlist")
        mine, theirs = booking.waitlist_position, ahead.waitlist_position
        # Position 0 is never used, so it can hold one row while the two swap
        # without breaking the one-position-per-person constraint.
        Booking.objects.filter(pk=booking.pk).update(waitlist_position=0)
        Booking.objects.filter(pk=ahead.pk).update(waitlist_position=mine)
        Booking.objects.filter(pk=booking.pk).update(waitlist_position=theirs)
        booking.waitlist_position = theirs
    return booking
