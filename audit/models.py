"""Who did what to personal data and to what the public sees: counts, never the data."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One staff action worth answering for later. Holds counts and names of things,
    never a subscriber's or attendee's details, so it can be kept and read freely."""

    class Action(models.TextChoices):
        EXPORTED = "exported", "Exported personal data"
        IMPORTED = "imported", "Imported people"
        ERASED = "erased", "Erased a person's data"
        SENT = "sent", "Sent a newsletter"
        PUBLISHED = "published", "Published"
        CAPACITY_CHANGED = "capacity_changed", "Changed a session's places"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the staff account is deleted; "the person" for self-service erasure.
    actor_name = models.CharField("by", max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    subject = models.CharField("what", max_length=300)
    count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        ordering = ["-at", "-pk"]
        permissions = [
            (
                "export_personal_data",
                "Can export personal data (subscriber lists, registers)",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_action_display()} {self.subject}"
