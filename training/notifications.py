"""Emails to people who book: the link to confirm, confirmation, "you already have a place",
promotion from the queue, cancellation, reminder.

Each sender takes the booking its task reloaded (``training.tasks``) and sends
only if the booking is still in the state the email announces, so a task run late
or twice says nothing untrue.
"""

from django.conf import settings
from django.urls import reverse

from dscp.emails import send_email
from training import calendar, selectors, tokens
from training.models import Booking

_ICS_NAME = "training-session.ics"


def _send(booking: Booking, email: str, *, calendar_method: str | None) -> None:
    """Send ``training/emails/<email>`` to the person, with the session as a calendar file."""
    attachments = []
    if calendar_method:
        attachments.append(
            (
                _ICS_NAME,
                calendar.booking_calendar(booking, method=calendar_method),
                f"text/calendar; charset=utf-8; method={calendar_method}",
            )
        )
    context = {
        "booking": booking,
        "session": booking.session,
        "course": booking.session.course,
        "manage_url": settings.SITE_URL + booking.get_absolute_url(),
        "course_url": settings.SITE_URL + booking.session.course.get_absolute_url(),
        "waitlist_place": selectors.waitlist_place(booking=booking),
        "show_joining": booking.has_place,
    }
    if booking.verified_at is None:
        token = tokens.make_confirm_token(booking=booking)
        context["confirm_url"] = settings.SITE_URL + reverse(
            "training:booking_confirm", kwargs={"token": token}
        )
    send_email(f"training/emails/{email}", context, to=booking.email, attachments=attachments)


def _awaits_confirmation(booking: Booking) -> bool:
    return booking.verified_at is None and booking.status in (
        Booking.Status.UNCONFIRMED,
        Booking.Status.WAITLISTED,
    )


def booking_send_confirm_request(*, booking: Booking) -> None:
    """Email the link that confirms a new booking, while it still waits for it."""
    if _awaits_confirmation(booking):
        _send(booking, "booking_confirm_request", calendar_method=None)


def booking_send_already_booked(*, booking: Booking) -> None:
    """Someone asked to book again with this address: send the link it needs, no more.

    Still unconfirmed, that is the confirmation link again; otherwise the manage link.
    """
    if _awaits_confirmation(booking):
        _send(booking, "booking_confirm_request", calendar_method=None)
    elif booking.status in (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED):
        _send(booking, "booking_already_booked", calendar_method=None)


def booking_send_confirmation(*, booking: Booking) -> None:
    """Email the person their place (with a calendar file) or their place in the queue."""
    if booking.verified_at is None:
        return
    if booking.status == Booking.Status.CONFIRMED:
        _send(booking, "booking_confirmed", calendar_method="PUBLISH")
    elif booking.status == Booking.Status.WAITLISTED:
        _send(booking, "booking_confirmed", calendar_method=None)
    else:
        return
    _send_line_manager_copy(booking)


def _send_line_manager_copy(booking: Booking) -> None:
    """Tell the line manager the person named, if any, that they have booked, queue or have
    been given a place: no manage link (it would let them cancel), no joining link and no
    calendar file (the place is not theirs)."""
    if not booking.line_manager_email:
        return
    context = {
        "booking": booking,
        "session": booking.session,
        "course": booking.session.course,
        "course_url": settings.SITE_URL + booking.session.course.get_absolute_url(),
        "show_joining": False,
    }
    send_email("training/emails/booking_line_manager_copy", context, to=booking.line_manager_email)


def booking_send_promotion(*, booking: Booking) -> None:
    """Email a person from the waiting list that they now have a place, or, if they have
    not confirmed their address yet, that one is held for them until they do."""
    if booking.status == Booking.Status.CONFIRMED:
        _send(booking, "booking_promoted", calendar_method="PUBLISH")
        # Their manager was told of the queue spot; an unconfirmed person's manager hears
        # when they confirm (booking_send_confirmation).
        _send_line_manager_copy(booking)
    elif booking.status == Booking.Status.UNCONFIRMED:
        _send(booking, "booking_promoted", calendar_method=None)


def booking_send_cancellation(*, booking: Booking) -> None:
    """Email a person that their booking, or the whole session, has been cancelled."""
    if booking.status == Booking.Status.CANCELLED:
        _send(booking, "booking_cancelled", calendar_method="CANCEL")


def booking_send_reminder(*, booking: Booking) -> None:
    """Email a person with a place the details of their session, two days before."""
    _send(booking, "booking_reminder", calendar_method="PUBLISH")
