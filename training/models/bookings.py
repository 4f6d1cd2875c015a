"""Bookings: a person's place, or place in the queue, on a session."""

import secrets
from datetime import datetime

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from training.models.catalogue import Agency
from training.models.sessions import Session


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


class Booking(models.Model):
    """A practitioner's place, or place in the queue, on a session."""

    class Status(models.TextChoices):
        # A place held for someone who has not yet followed the emailed link: it counts
        # against capacity (so a rush stays exact) but is not a booking anyone relies on.
        UNCONFIRMED = "unconfirmed", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Prerequisite(models.TextChoices):
        NOT_NEEDED = "", "Not needed"
        CONFIRMED = "confirmed", "Confirmed by the person"
        ON_RECORD = "on_record", "On our register"

    class CancelledBy(models.TextChoices):
        PERSON = "person", "The person who booked"
        STAFF = "staff", "Partnership staff"
        SESSION = "session", "The session was cancelled"
        UNCONFIRMED = "unconfirmed", "Not confirmed in time"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(max_length=200)
    email = models.EmailField("work email")
    phone = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    agency_other = models.CharField(
        "other organisation", max_length=200, blank=True, help_text="When not in the list."
    )
    job_role = models.CharField(max_length=200)
    needs = models.TextField("access or dietary needs", blank=True)
    line_manager_email = models.EmailField(
        "line manager's email",
        blank=True,
        help_text="Gets a copy of the confirmation, without the link to change or cancel.",
    )
    prerequisite = models.CharField(
        "prerequisite course",
        max_length=20,
        choices=Prerequisite.choices,
        blank=True,
        editable=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    manage_token = models.CharField(
        max_length=64, unique=True, default=new_manage_token, editable=False
    )
    # The booking form's one-time key: a resubmitted form (double click, refresh)
    # returns the booking it already made instead of refusing a "second" one.
    form_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.CharField(
        max_length=20, choices=CancelledBy.choices, blank=True, editable=False
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A cancelled place (not a queue spot) may count as a late cancellation under the
    # non-attendance policy; the status alone no longer says which it was.
    cancelled_with_place = models.BooleanField(default=False, editable=False)
    # When the address was shown to be the person's: they followed the emailed link, or
    # staff confirmed them. Until then a place or queue spot lapses at hold_expires_at.
    verified_at = models.DateTimeField("address confirmed", null=True, blank=True, editable=False)
    hold_expires_at = models.DateTimeField(
        "released if not confirmed by", null=True, blank=True, editable=False
    )

    # Places a person has: on the register, reminded, in calendars, counted as booked.
    BOOKED = (Status.CONFIRMED, Status.ATTENDED, Status.DID_NOT_ATTEND)
    # What counts against capacity: booked places and places held for confirmation.
    COUNTS_AGAINST_CAPACITY = (Status.UNCONFIRMED, *BOOKED)
    # Bookings that lapse unless their address is confirmed in time.
    AWAITING_CONFIRMATION = models.Q(
        verified_at__isnull=True, status__in=[Status.UNCONFIRMED, Status.WAITLISTED]
    )

    class Meta:
        verbose_name = "booking"
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "session",
                condition=~models.Q(status="cancelled"),
                name="booking_one_active_per_email",
                violation_error_message="This email address already has a booking on this session.",
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=models.Q(status="waitlisted"),
                name="booking_unique_waitlist_position",
            ),
            models.CheckConstraint(
                condition=models.Q(status="waitlisted", waitlist_position__isnull=False)
                | (~models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="booking_position_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | ~models.Q(agency_other=""),
                name="booking_has_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="unconfirmed")
                | models.Q(verified_at__isnull=True, hold_expires_at__isnull=False),
                name="booking_unconfirmed_has_expiry",
            ),
            # Only a confirmed address books a place: the emailed link, or staff checking.
            models.CheckConstraint(
                condition=~models.Q(status__in=["confirmed", "attended", "did_not_attend"])
                | models.Q(verified_at__isnull=False),
                name="booking_place_needs_verified_address",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_with_place=False) | models.Q(status="cancelled"),
                name="booking_cancelled_with_place_only_when_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="booking_session_status"),
            models.Index(Lower("email"), name="booking_email_lower"),
            # The beat task's search for lapsed holds reads only unconfirmed rows.
            models.Index(
                fields=["hold_expires_at"],
                condition=models.Q(verified_at__isnull=True),
                name="booking_unverified_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("training:booking_manage", kwargs={"token": self.manage_token})

    @property
    def organisation(self) -> str:
        return self.agency.name if self.agency_id else self.agency_other

    @property
    def has_place(self) -> bool:
        """Whether the person has a place (not the queue): only they get online joining details."""
        return self.status in self.BOOKED

    def person_may_cancel(self, now: datetime | None = None) -> bool:
        """Whether the person can still cancel online: a place or a queue spot, before the session starts."""
        return self.status in (
            self.Status.UNCONFIRMED,
            self.Status.CONFIRMED,
            self.Status.WAITLISTED,
        ) and (self.session.starts_at > (now or timezone.now()))
