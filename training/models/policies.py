"""The partnership's non-attendance policy: what a no-show or a late cancellation costs an agency."""

from django.db import models
from django.urls import reverse

from dscp.dates import format_date


class NonAttendancePolicy(models.Model):
    """The policy from a date until the next policy starts, so a change never rewrites
    what earlier periods were charged."""

    class Action(models.TextChoices):
        WARNING = "warning", "A warning to the agency, no charge"
        CHARGE = "charge", "A charge to the agency"

    starts_on = models.DateField(
        "applies to sessions from",
        unique=True,
        help_text="Sessions on or after this date follow this policy, until the next one starts.",
    )
    action = models.CharField(
        "for each no-show or late cancellation", max_length=20, choices=Action.choices
    )
    charge = models.DecimalField(
        "charge (£)",
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="Charged to the person's agency for each one. Leave at 0 for a warning.",
    )
    late_cancellation_days = models.PositiveSmallIntegerField(
        "late cancellation: days before the session",
        default=0,
        help_text="A place cancelled less than this many days before the session is a late "
        "cancellation, charged or warned like a no-show. 0: cancellations never count.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "non-attendance policy"
        verbose_name_plural = "non-attendance policies"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="warning", charge=0)
                | models.Q(action="charge", charge__gt=0),
                name="non_attendance_charge_matches_action",
                violation_error_message="A charge needs an amount above £0; a warning has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"From {format_date(self.starts_on)}: {self.describe()}"

    def get_absolute_url(self) -> str:
        return reverse("admin:training_nonattendancepolicy_change", args=[self.pk])

    def describe(self) -> str:
        """“£50.00 charge, late cancellation within 5 days counts”, for staff pages."""
        what = f"£{self.charge:,.2f} charge" if self.action == self.Action.CHARGE else "warning"
        if not self.late_cancellation_days:
            return f"{what} for each no-show"
        days = (
            "1 day" if self.late_cancellation_days == 1 else f"{self.late_cancellation_days} days"
        )
        return f"{what} for each no-show or cancellation less than {days} before"
