"""Reads of bookings: the booking a link names, registers, waiting lists, holds awaiting
confirmation, attendance."""

from datetime import datetime
from typing import Literal

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from training import tokens
from training.errors import BookingError
from training.models import Booking, Course, Session


def _for_link():
    return Booking.objects.select_related("session__course", "session__strand", "agency")


def _by_manage_token(token: str) -> Booking:
    booking = _for_link().filter(manage_token=token).first()
    if booking is None:
        raise BookingError("link_unknown")
    return booking


def _by_confirm_token(token: str) -> Booking:
    link = tokens.read_confirm_token(token=token)
    booking = _for_link().filter(pk=link.booking_id).first()
    if booking is None or not tokens.confirm_link_matches(link=link, booking=booking):
        raise BookingError("link_unknown")
    if link.expired or _hold_lapsed(booking):
        raise BookingError("link_expired", booking=booking)
    if booking.cancelled_by == Booking.CancelledBy.UNCONFIRMED:
        raise BookingError("hold_released", booking=booking)
    return booking


def _hold_lapsed(booking: Booking) -> bool:
    """Whether the place or queue spot the link would confirm is no longer held for it,
    though the release (beat, every few minutes) has not yet run. The link itself is
    dated from its email, which a busy relay may have delayed past the hold."""
    awaiting = booking.verified_at is None and booking.status in (
        Booking.Status.UNCONFIRMED,
        Booking.Status.WAITLISTED,
    )
    held_until = booking.hold_expires_at
    return awaiting and held_until is not None and held_until <= timezone.now()


_BY_PURPOSE = {"manage": _by_manage_token, "confirm": _by_confirm_token}


def booking_from_token(*, token: str, purpose: Literal["confirm", "manage"]) -> Booking:
    """The booking an emailed link names, or BookingError saying what is wrong with the link.

    A manage link is the booking's random ``manage_token``: ``link_unknown`` if no booking
    has it. A confirmation link is signed (``training.tokens``): ``link_invalid`` if forged,
    ``link_unknown`` if its booking is gone or its manage token replaced (erasure does
    that), and ``link_expired`` past its time or ``hold_released`` once the place has gone
    to someone else; those two name the booking, so its page can offer to book again.
    """
    return _BY_PURPOSE[purpose](token)


def register(*, session: Session) -> list[Booking]:
    """The people with a place on a session, in name order, for the register."""
    return list(
        session.bookings.filter(status__in=Booking.BOOKED)
        .select_related("agency")
        .order_by("name", "pk")
    )


def awaiting_confirmation(*, session: Session) -> list[Booking]:
    """Places held for people who have not yet followed the emailed link, soonest to lapse first."""
    return list(
        session.bookings.filter(status=Booking.Status.UNCONFIRMED)
        .select_related("agency")
        .order_by("hold_expires_at", "pk")
    )


def waiting_list(*, session: Session) -> list[Booking]:
    """The people waiting for a place on a session, first in the queue first."""
    return list(
        session.bookings.filter(status=Booking.Status.WAITLISTED)
        .select_related("agency")
        .order_by("waitlist_position")
    )


def attended_bookings(*, ended_after: datetime, ended_before: datetime) -> QuerySet[Booking]:
    """Bookings marked attended on sessions that ended in the window, e.g. to ask for feedback."""
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED,
        session__ends_at__gt=ended_after,
        session__ends_at__lte=ended_before,
    )


def attendance_for_priority(*, priority) -> dict[str, int]:
    """How many people the registers show trained on a priority's courses, and from how
    many organisations, in one query; a person on two courses counts once."""
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED, session__course__priority=priority
    ).aggregate(
        people=Count(Lower("email"), distinct=True),
        agencies=Count(Coalesce("agency__name", Lower("agency_other")), distinct=True),
    )


def waitlist_place(*, booking: Booking) -> int | None:
    """The person's place in the queue counting from 1, ignoring gaps left by promotions."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    return Booking.objects.filter(
        session_id=booking.session_id,
        status=Booking.Status.WAITLISTED,
        waitlist_position__lte=booking.waitlist_position,
    ).count()


def booking_ids_for_email(*, email: str) -> list[int]:
    """The ids of every booking made with this address, whatever its state."""
    return list(Booking.objects.filter(email__iexact=email).values_list("pk", flat=True))


def has_attended(*, email: str, course: Course) -> bool:
    """Whether the register shows this address attended the course, e.g. a prerequisite."""
    return Booking.objects.filter(
        email__iexact=email.strip(), session__course=course, status=Booking.Status.ATTENDED
    ).exists()


def booking_data_for_email(*, email: str) -> list[dict]:
    """Every booking made with this address, for a person's data download."""
    bookings = Booking.objects.filter(email__iexact=email).select_related(
        "session__course", "agency"
    )
    return [
        {
            "course": b.session.course.title,
            "session_starts_at": b.session.starts_at.isoformat(),
            "name": b.name,
            "email": b.email,
            "phone": b.phone,
            "organisation": b.agency.name if b.agency else b.agency_other,
            "job_role": b.job_role,
            "access_or_dietary_needs": b.needs,
            "line_manager_email": b.line_manager_email,
            "status": b.status,
            "booked_at": b.created_at.isoformat(),
        }
        for b in bookings.order_by("pk")
    ]
