"""Sessions: when and where a course runs, and how many places it has."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from dscp.dates import format_range
from training.models.catalogue import Course, Strand


class Session(models.Model):
    """One dated delivery of a course, with a fixed number of places."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    class BookingState(models.TextChoices):
        """Why the session can or cannot take bookings now (``booking_state``)."""

        OPEN = "open", "Open"
        CANCELLED = "cancelled", "Cancelled"
        NOT_OPEN = "not_open", "Not open yet"
        CLOSED = "closed", "Closed"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(
        max_length=200, blank=True, help_text="Leave blank for a session held online."
    )
    address = models.TextField(blank=True)
    joining_url = models.URLField(
        "joining link",
        max_length=500,
        blank=True,
        help_text="For an online session: the meeting link. Sent only to people with a place, "
        "in their confirmation, reminder and calendar file. Staff are warned a week before "
        "if it is missing.",
    )
    joining_details = models.TextField(
        "joining instructions",
        blank=True,
        help_text="Anything else people need to join, e.g. a meeting ID and passcode. "
        "Only people with a place see these.",
    )
    trainer = models.CharField("delivered by", max_length=200, blank=True)
    capacity = models.PositiveIntegerField(help_text="How many places there are.")
    booking_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to open bookings straight away."
    )
    booking_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to close bookings when the session starts."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "session"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="session_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(booking_opens_at__isnull=True)
                | models.Q(booking_closes_at__isnull=True)
                | models.Q(booking_closes_at__gt=models.F("booking_opens_at")),
                name="session_booking_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="session_status_start")]

    def __str__(self) -> str:
        return f"{self.course.title}, {format_range(self.starts_at, self.ends_at)}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_book", kwargs={"pk": self.pk})

    @property
    def is_online(self) -> bool:
        return not self.venue

    @property
    def place(self) -> str:
        """The venue and address on one line, or "Online"."""
        if self.is_online:
            return "Online"
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return ", ".join([self.venue, *lines])

    @property
    def closes_at(self):
        return self.booking_closes_at or self.starts_at

    def booking_state(self, now=None) -> BookingState:
        """Why the session can or cannot take bookings: open, cancelled, not open yet, closed."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return self.BookingState.CANCELLED
        if self.booking_opens_at and now < self.booking_opens_at:
            return self.BookingState.NOT_OPEN
        if now >= self.closes_at:
            return self.BookingState.CLOSED
        return self.BookingState.OPEN
