"""Evaluation forms, the invitations to fill them in, responses and certificates."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

RATING_RANGE = (1, 5)
SCALE_RANGE = (1, 10)


class WorksWith(models.TextChoices):
    CHILDREN = "children", "Children"
    ADULTS = "adults", "Adults"
    BOTH = "both", "Both children and adults"
    OTHER = "other", "Other"


class Evaluation(models.Model):
    """The feedback form for a course, one session, or an event such as Safeguarding Week."""

    title = models.CharField(max_length=200, help_text="For example, Safeguarding Week 2023.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the form's link.")
    course = models.ForeignKey(
        "training.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        help_text="Every session of this course uses this form, unless a session has its own.",
    )
    session = models.ForeignKey(
        "training.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        help_text="A form for this one session only.",
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        help_text="For an event; a course's form counts towards its course's priority.",
    )
    starts_on = models.DateField(
        null=True,
        blank=True,
        help_text="For an event: its first day. The open link works from this day.",
    )
    ends_on = models.DateField(null=True, blank=True, help_text="For an event: its last day.")
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Hours of learning on the certificate. Leave blank to use the session's length.",
    )
    open_link = models.BooleanField(
        default=False,
        help_text="Anyone with the form's link can answer, once per browser. For events "
        "without bookings; their figures are labelled as coming from an open link.",
    )
    active = models.BooleanField(default=True, help_text="Untick to stop taking responses.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "evaluation form"
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=True) | Q(session__isnull=True),
                name="evaluation_course_or_session",
                violation_error_message="Choose a course or a session, not both.",
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(course__isnull=False),
                name="evaluation_one_per_course",
                violation_error_message="This course already has an evaluation form.",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(session__isnull=False),
                name="evaluation_one_per_session",
                violation_error_message="This session already has an evaluation form.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | (Q(starts_on__isnull=False) & Q(ends_on__gte=models.F("starts_on"))),
                name="evaluation_ends_after_start",
                violation_error_message="The last day must be on or after the first day.",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="evaluation_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:open_form", kwargs={"slug": self.slug})

    def clean(self):
        if self.open_link and not self.starts_on:
            raise ValidationError(
                {"starts_on": "Give the event's first day: the open link works from then."}
            )


class Question(models.Model):
    """A question staff add to one form, after the standard ones."""

    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        CHOICE = "choice", "Choose one option"
        SCALE = "scale", "Scale from 1 to 10"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(blank=True, help_text="For “choose one option”: one per line.")
    required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "extra question"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def field_name(self) -> str:
        return f"question_{self.pk}"

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.options) < 2:
            raise ValidationError({"choices": "Give at least two options, one per line."})


class Invitation(models.Model):
    """The one emailed link a person who attended gets to give feedback."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="invitations")
    booking = models.OneToOneField(
        "training.Booking", on_delete=models.CASCADE, related_name="evaluation_invitation"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set by the one UPDATE that wins the link: a second submission finds it taken.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="invitation_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.evaluation}"


class Response(models.Model):
    """One person's answers to an evaluation form."""

    class Source(models.TextChoices):
        INVITED = "invited", "Emailed link after attending"
        OPEN = "open", "Open link"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="responses")
    source = models.CharField(max_length=10, choices=Source.choices)
    # One response per booking. The answers outlive the booking, which is
    # deleted three years after the session (training's retention rule).
    booking = models.OneToOneField(
        "training.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_response",
    )
    session = models.ForeignKey(
        "training.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    course = models.ForeignKey(
        "training.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The open link's guard against ballot stuffing: one response per browser.
    browser_key = models.CharField(max_length=64, blank=True, editable=False)
    held_on = models.DateField(help_text="The day of the training, for reports by date.")
    works_with = models.CharField(max_length=10, choices=WorksWith.choices)
    agency = models.CharField(max_length=200)
    rating = models.PositiveSmallIntegerField()
    knowledge_before = models.PositiveSmallIntegerField()
    knowledge_after = models.PositiveSmallIntegerField()
    confidence_before = models.PositiveSmallIntegerField()
    confidence_after = models.PositiveSmallIntegerField()
    do_differently = models.TextField("what you will do differently", blank=True)
    comments = models.TextField(blank=True)
    answers = models.JSONField(
        default=dict, blank=True, help_text="Answers to the form's extra questions."
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "response"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_RANGE[0], rating__lte=RATING_RANGE[1]),
                name="response_rating_range",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(
                        **{f"{field}__gte": SCALE_RANGE[0], f"{field}__lte": SCALE_RANGE[1]}
                    ),
                    name=f"response_{field}_range",
                )
                for field in (
                    "knowledge_before",
                    "knowledge_after",
                    "confidence_before",
                    "confidence_after",
                )
            ),
            models.CheckConstraint(
                condition=Q(works_with__in=WorksWith.values), name="response_works_with_valid"
            ),
            models.CheckConstraint(
                condition=Q(source="invited") | Q(booking__isnull=True),
                name="response_open_has_no_booking",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "browser_key"],
                condition=~Q(browser_key=""),
                name="response_one_per_browser",
            ),
        ]
        indexes = [models.Index(fields=["evaluation", "held_on"], name="response_eval_held")]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.evaluation}"


def new_certificate_code() -> str:
    """DSCP-7K3M-Q9XD: no 0/O or 1/I/L, so it reads back correctly from paper."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    chars = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"DSCP-{chars[:4]}-{chars[4:]}"


class Certificate(models.Model):
    """Proof that a person attended and gave feedback; what it says is kept as issued."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=14, unique=True, default=new_certificate_code)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "certificate"
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}, {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:certificate_verify") + f"?code={self.code}"


class Figure(models.Model):
    """Live figures from an evaluation that a newsletter article can show."""

    title = models.CharField(
        max_length=200, help_text="The block's heading, e.g. Safeguarding Week 2023 evaluation."
    )
    slug = models.SlugField(max_length=200, unique=True)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="figures")
    show_works_with = models.BooleanField("show the “Do you work with” chart", default=True)
    show_ratings = models.BooleanField("show the chart of ratings", default=False)

    class Meta:
        verbose_name = "newsletter figure"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
