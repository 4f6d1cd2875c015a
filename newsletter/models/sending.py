"""A send of an issue and its one delivery per recipient: the durable record of mailing."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from newsletter.models.content import Issue


class Send(models.Model):
    """One mailing of an issue to one or more lists: scheduled, expanded, sent in batches."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        EXPANDING = "expanding", "Finding recipients"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        DONE = "done", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="sends")
    lists = models.ManyToManyField("subscriptions.MailingList", related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField(help_text="When the send starts (Europe/London).")
    # "Publish and send": the issue is published as the send starts, so readers find
    # it on the website when the email arrives.
    publish_issue = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Activity heartbeat: the watchdog restarts a send whose batches stopped.
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Recipients are added in chunks by subscriber id; a restarted expansion
    # resumes after the last id it reached.
    expanded_through = models.BigIntegerField(default=0)
    # The email as rendered when the send started, so every recipient gets the
    # same issue even if staff edit it mid-send; per-recipient links are filled in later.
    subject = models.CharField(max_length=300, blank=True)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "send"
        ordering = ["-scheduled_for", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self) -> str:
        return f"{self.issue} – {self.get_status_display().lower()} {self.scheduled_for:%d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("admin:newsletter_send_change", args=[self.pk])


class Delivery(models.Model):
    """One issue to one subscriber: never more than one, whatever lists or sends overlap."""

    class State(models.TextChoices):
        PENDING = "pending", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="+")
    # Erasing a subscriber keeps the delivery counts but not the person.
    subscriber = models.ForeignKey(
        "subscriptions.Subscriber", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The batch that last claimed it: while it is sending, only that batch renews,
    # records or releases it.
    claimed_by = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "delivery"
        verbose_name_plural = "deliveries"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="delivery_once_per_issue_subscriber"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["send", "state", "next_attempt_at"], name="delivery_claim")]

    def __str__(self) -> str:
        return f"{self.issue} to subscriber {self.subscriber_id}: {self.state}"
