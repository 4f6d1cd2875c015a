"""Housekeeping and data rights: reminders, deleting old bookings, a person's download and erasure."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from dscp.locking import bounded_lock_wait, each_once
from training import notifications
from training.errors import BookingError
from training.models import Booking, Session, new_manage_token
from training.services.shared import REMINDER_BEFORE

# The privacy notice promises that booking records are kept for three years
# after the session and then deleted.
RETENTION_YEARS = 3


def booking_send_due_reminders(*, now: datetime | None = None) -> int:
    """Send each reminder that is due exactly once, even if two runs overlap; returns how many."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)

    def send(booking: Booking) -> None:
        notifications.booking_send_reminder(booking=booking)
        booking.reminder_sent_at = now
        booking.save(update_fields=["reminder_sent_at"])

    still_due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True
    ).select_related("session__course", "session__strand", "agency")
    return each_once(still_due, due, send)


def booking_purge_expired(*, now: datetime | None = None) -> int:
    """Delete bookings whose session ended more than three years ago; returns how many."""
    now = now or timezone.now()
    try:
        cutoff = now.replace(year=now.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - RETENTION_YEARS, day=28)
    deleted, _ = Booking.objects.filter(session__ends_at__lt=cutoff).delete()
    return deleted


def booking_erase_for_email(*, email: str) -> list[int]:
    """Anonymise every booking made with this address; return their ids.

    The rows stay, so a session's figures (places taken, attendance) still
    add up, but nothing in them names the person, and a new random token
    makes the old manage link stop working.
    """
    with transaction.atomic(), bounded_lock_wait(BookingError):
        bookings = list(Booking.objects.select_for_update().filter(email__iexact=email))
        for booking in bookings:
            booking.name = booking.job_role = "Erased"
            # Unique per booking, so the one-active-booking-per-email rule still holds.
            booking.email = f"erased-{booking.pk}@erased.invalid"
            booking.phone = booking.agency_other = booking.needs = booking.form_key = ""
            booking.line_manager_email = ""
            booking.manage_token = new_manage_token()
        # Named as someone's line manager: the copy has gone; the address need not stay.
        Booking.objects.filter(line_manager_email__iexact=email).update(line_manager_email="")
        Booking.objects.bulk_update(
            bookings,
            [
                "name",
                "job_role",
                "email",
                "phone",
                "agency_other",
                "needs",
                "line_manager_email",
                "form_key",
                "manage_token",
            ],
        )
    return [b.pk for b in bookings]
