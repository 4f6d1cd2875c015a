"""The training app's one error type, with every plain-English message in one place."""

from django.conf import settings

from dscp.errors import DomainError

MESSAGES = {
    "session_cancelled": "This session has been cancelled, so you cannot book on it. "
    "Choose another date for this course.",
    "session_closed": "Bookings for this session have closed. Choose another date for this course.",
    "session_not_open": "Bookings for this session open on {opens}.",
    "session_full": "The last place on this session has just been taken. You can join the "
    "waiting list instead: we will email you if a place comes up.",
    "already_booked": "This email address already has a place, or a place on the waiting "
    "list, for this session. Use the link in your confirmation email to see or cancel it.",
    "already_cancelled": "This booking has already been cancelled.",
    "session_started": "This session has already started, so the booking can no longer be "
    "cancelled online. Email {training_email} instead.",
    "not_a_place": "Only a person with a confirmed place can be marked as attended or not.",
    "too_early_for_register": "Attendance can be marked from the day of the session.",
    "not_waitlisted": "Only a person on the waiting list can be moved up it.",
    "top_of_waitlist": "This person is already first on the waiting list.",
    "capacity_below_booked": "{counted} people already have a place, so the capacity cannot be "
    "less than {counted}. Cancel bookings first.",
    "session_already_cancelled": "This session has already been cancelled.",
    "busy": "Many people are booking or changing places on this session right now. "
    "Wait a moment and try again.",
    "link_invalid": "This link does not work. Check that you copied the whole link from the email.",
    "link_expired": "This link has expired: a confirmation link works for {hold_hours} hours.",
    "hold_released": "This booking was not confirmed in time, so the place went to someone "
    "else. You can book again.",
    "course_withdrawn": "This course is no longer running, so its sessions cannot be booked. "
    "Find another course on the training page.",
}
# A link we signed for a booking that is gone (erased, or deleted after three years) reads
# as one that does not work: its page says nothing of whom it was for.
MESSAGES["link_unknown"] = MESSAGES["link_invalid"]


class BookingError(DomainError):
    """A booking rule was broken; ``message`` is a plain-English message for the person."""

    messages = MESSAGES

    def __init__(self, code: str, *, booking=None, **params):
        # A link's problem page says what became of the place the link was for.
        self.booking = booking
        super().__init__(code, **params)

    @classmethod
    def message_defaults(cls) -> dict:
        return {
            "training_email": settings.PARTNERSHIP["training_email"],
            "hold_hours": f"{settings.TRAINING_BOOKING_HOLD_HOURS:g}",
        }
