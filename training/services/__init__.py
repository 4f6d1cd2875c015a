"""Training use-cases, one module per concern: a person's booking (``bookings``), staff's
changes to sessions (``sessions``), housekeeping and data rights (``records``); ``shared``
holds what they share, above all the session lock every change of places takes first.
"""

from training.services.bookings import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_release_unconfirmed,
    waitlist_promote,
)
from training.services.records import (
    booking_erase_for_email,
    booking_purge_expired,
    booking_send_due_reminders,
)
from training.services.sessions import (
    booking_mark_attendance,
    booking_move_up,
    session_cancel,
    session_set_capacity,
)

__all__ = [
    "booking_cancel",
    "booking_confirm",
    "booking_create",
    "booking_erase_for_email",
    "booking_mark_attendance",
    "booking_move_up",
    "booking_purge_expired",
    "booking_release_unconfirmed",
    "booking_send_due_reminders",
    "session_cancel",
    "session_set_capacity",
    "waitlist_promote",
]
