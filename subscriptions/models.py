"""Mailing lists, subscribers, their subscriptions, consent evidence and the suppression list.

Consent records are append-only evidence: the database refuses to update them
(a trigger added in migration 0001). They are deleted only when a person asks
to be erased, or with a subscriber whose sign-up was never confirmed.
"""

from django.db import models
from django.db.models.functions import Lower


class MailingList(models.Model):
    """A list people can join, e.g. the DSCP newsletter or Training updates."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown next to the tick box on the sign-up form."
    )
    is_public = models.BooleanField(
        "offered on the website",
        default=True,
        help_text="Untick for a staff-only list that people cannot join from the website.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mailing list"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """A person on one or more lists, known by a normalised email address."""

    # Always written through dscp.addresses.normalise_email; the
    # constraint on Lower() also catches a raw write that skipped it.
    email = models.EmailField(max_length=254)
    # HMAC of the normalised address, matched against the suppression list
    # without storing the address there (see dscp.addresses.email_hash).
    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    NAME_MAX = 100
    ORGANISATION_MAX = 150
    name = models.CharField(max_length=NAME_MAX, blank=True)
    organisation = models.CharField(max_length=ORGANISATION_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "subscriber"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email_ci"),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="subscriber_email_normalised"
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """One subscriber on one list: pending until confirmed, then active until they leave."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        ACTIVE = "active", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # When the status last changed: the 7-day clock for pending subscriptions.
    status_changed_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "subscription"
        ordering = ["mailing_list", "subscriber"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "mailing_list"], name="subscription_unique_per_list"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "active", "unsubscribed", "bounced", "complained"]
                ),
                name="subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(confirmed_at__isnull=False),
                name="subscription_active_is_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["mailing_list", "status"], name="subscription_list_status"),
            models.Index(fields=["status", "status_changed_at"], name="subscription_status_age"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.mailing_list} ({self.get_status_display().lower()})"


class ConsentRecord(models.Model):
    """Evidence of one change to a subscription: what was agreed or withdrawn, when and how."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Asked to subscribe"
        CONFIRMED = "confirmed", "Gave consent"
        WITHDRAWN = "withdrawn", "Unsubscribed"
        BOUNCED = "bounced", "Address bounced"
        COMPLAINED = "complained", "Marked an email as spam"

    class Method(models.TextChoices):
        WEB_FORM = "web_form", "Web form"
        EMAIL_LINK = "email_link", "Link in an email"
        ONE_CLICK = "one_click", "One-click unsubscribe (mail app)"
        PREFERENCES = "preferences", "Preferences page"
        ADMIN = "admin", "Staff, in admin"
        IMPORT = "import", "Import"
        SYSTEM = "system", "Automatic (mail provider report)"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consent_records"
    )
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="consent_records"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    # The statement exactly as shown, with its version, so a later rewording
    # never changes what someone agreed to.
    statement_version = models.CharField(max_length=20, blank=True)
    statement_text = models.TextField(blank=True)
    note = models.TextField(
        blank=True, help_text="For imports, the lawful basis and where consent was collected."
    )
    recorded_by = models.CharField(
        max_length=150, blank=True, help_text="The staff member, for admin changes and imports."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "consent record"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    action__in=["requested", "confirmed", "withdrawn", "bounced", "complained"]
                ),
                name="consent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.mailing_list} ({self.get_method_display()})"


class Suppression(models.Model):
    """An address that must never be mailed again without a fresh opt-in, kept only as a hash."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Permanent bounce"
        COMPLAINED = "complained", "Spam complaint"
        ERASED = "erased", "Person asked to be erased"
        STAFF = "staff", "Suppressed by staff"

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "suppressed address"
        verbose_name_plural = "suppression list"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.email_hash[:12]}…)"
