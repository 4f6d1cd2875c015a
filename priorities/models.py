from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone

from dscp.uploads import FileOrAddress
from priorities.errors import MESSAGES, PriorityError
from priorities.validators import validate_document_file


class Priority(models.Model):
    """One of the partnership's workstreams, e.g. "Priority One: Domestic Abuse"."""

    number = models.PositiveSmallIntegerField(
        unique=True, help_text="1 for Priority One, and so on."
    )
    title = models.CharField(max_length=120, help_text="For example, Domestic Abuse.")
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="Why this priority matters, in a few sentences.")
    lead = models.CharField(
        max_length=200, blank=True, help_text="The lead agency or person, e.g. Durham Constabulary."
    )
    contact_email = models.EmailField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "priority"
        verbose_name_plural = "priorities"
        ordering = ["order", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="priority_number_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("priorities:priority_detail", kwargs={"slug": self.slug})


def _ends_on_or_after_start(start: str, end: str) -> Q:
    return (
        Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)})
    )


class LearningCycle(models.Model):
    """A piece of improvement work under a priority, run in numbered phases (e.g. CAPVA)."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="learning_cycles")
    title = models.CharField(
        max_length=200,
        help_text="For example, Child and Adolescent to Parent Violence and Abuse (CAPVA).",
    )
    purpose = models.TextField(help_text="What the cycle set out to learn, and who took part.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave blank while it runs.")

    class Meta:
        verbose_name = "learning cycle"
        ordering = ["priority", "-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_ends_on_or_after_start("start_date", "end_date"),
                name="learningcycle_ends_after_start",
                violation_error_code="cycle_ends_before_start",
                violation_error_message=MESSAGES["cycle_ends_before_start"],
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": PriorityError("cycle_ends_before_start").validation_error()}
            )


class PhaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Phase(models.Model):
    """One numbered step of a learning cycle; phases happen in number order."""

    # Reachable from a phase, so templates compare its status by name (phase.Status.COMPLETE).
    Status = PhaseStatus

    cycle = models.ForeignKey(LearningCycle, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(help_text="1 for the first phase, and so on.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED
    )

    class Meta:
        verbose_name = "phase"
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="phase_number_unique_in_cycle",
                violation_error_code="phase_number_repeated",
                violation_error_message="Each phase in a learning cycle needs its own number.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="phase_number_positive"),
            models.CheckConstraint(
                condition=_ends_on_or_after_start("start_date", "end_date"),
                name="phase_ends_after_start",
                violation_error_code="phase_ends_before_start",
                violation_error_message=MESSAGES["phase_ends_before_start"],
            ),
        ]

    def __str__(self) -> str:
        return f"Phase {self.number}: {self.title}"

    def clean(self):
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, code: str) -> None:
            errors.setdefault(field, []).append(PriorityError(code).validation_error())

        if self.start_date and self.end_date and self.end_date < self.start_date:
            add("end_date", "phase_ends_before_start")
        try:
            cycle = self.cycle
        except LearningCycle.DoesNotExist:
            cycle = None
        if cycle and self.start_date and cycle.start_date and self.start_date < cycle.start_date:
            add("start_date", "phase_starts_before_cycle")
        if cycle and self.end_date and cycle.end_date and self.end_date > cycle.end_date:
            add("end_date", "phase_ends_after_cycle")
        if errors:
            raise ValidationError(errors)


class Achievement(models.Model):
    """Something the priority's work has achieved, e.g. good attendance from partners."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="achievements")
    text = models.TextField()
    date = models.DateField(null=True, blank=True)
    link = models.URLField(blank=True, help_text="Optional: a page with more about it.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "key achievement"
        ordering = ["priority", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class LearningPoint(models.Model):
    """What the partnership learned, optionally from one phase, and what it did about it."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="learning_points")
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_points",
        help_text="The phase of a learning cycle this came from, if any.",
    )
    text = models.TextField(verbose_name="what we learned")
    response = models.TextField(
        blank=True, verbose_name="what we did about it", help_text="Optional."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "learning point"
        ordering = ["priority", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self):
        if self.phase_id and self.priority_id and self.phase.cycle.priority_id != self.priority_id:
            raise ValidationError(
                {
                    "phase": ValidationError(
                        MESSAGES["learning_phase_other_priority"],
                        code="learning_phase_other_priority",
                    )
                }
            )


class Theme(models.Model):
    """A heading next steps are grouped under; staff may add their own."""

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "theme"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"


def overdue_condition(today=None, *, via: str = "") -> Q:
    """The overdue rule in a query: still open after its due date (``Action.is_overdue`` for
    one row). ``via`` reaches next steps through a relation, e.g. ``"actions__"`` from a priority."""
    today = today or timezone.localdate()
    return ~Q(**{f"{via}status": ActionStatus.DONE}) & Q(**{f"{via}due_date__lt": today})


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ActionStatus.DONE)

    def with_overdue(self, today=None):
        """Annotate ``overdue``: still open after its due date."""
        return self.annotate(
            overdue=models.Case(
                models.When(overdue_condition(today), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class Action(models.Model):
    """A next step in a priority's action plan, with an owner, a due date and a status."""

    # Reachable from an action, so templates compare its status by name (action.Status.DONE).
    Status = ActionStatus

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.CharField(
        max_length=200,
        help_text="The agency, group or person responsible for it.",
        error_messages={"blank": MESSAGES["action_owner_missing"]},
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name="last updated")

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "next step"
        ordering = ["priority", "theme", "due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due")]
        constraints = [
            models.CheckConstraint(
                # Spaces alone are no owner either.
                condition=GreaterThan(Length(Trim("owner")), 0),
                name="action_has_owner",
                violation_error_code="action_owner_missing",
                violation_error_message=MESSAGES["action_owner_missing"],
            ),
            models.CheckConstraint(
                condition=_ends_on_or_after_start("start_date", "due_date"),
                name="action_due_after_start",
                violation_error_code="action_due_before_start",
                violation_error_message=MESSAGES["action_due_before_start"],
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status != ActionStatus.DONE and self.due_date < timezone.localdate()

    @property
    def state(self) -> str:
        """What a reader sees: the status staff set, unless the step is open past its due
        date, when it is "Overdue" and nothing else, so one step never reads two ways."""
        return "Overdue" if self.is_overdue else self.get_status_display()

    def clean(self):
        # A missing owner is the form's "required" message or the constraint's, never both.
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": PriorityError("action_due_before_start").validation_error()}
            )


class Document(FileOrAddress, models.Model):
    """A report, briefing or link that belongs to a priority: an uploaded file or a web address."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to="priorities/documents/%Y/",
        blank=True,
        validators=[validate_document_file],
        help_text="A PDF or Office document up to 10 MB.",
    )
    url = models.URLField(
        blank=True, verbose_name="web address", help_text="Or a link to a page elsewhere."
    )
    date = models.DateField(help_text="When it was published or took place.")
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "report or document"
        verbose_name_plural = "reports and documents"
        ordering = ["priority", "order", "-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="document_file_or_url",
                violation_error_code="document_source",
                violation_error_message=MESSAGES["document_source_missing"],
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_type(self) -> str:
        """PDF, DOCX…: shown beside a download so nobody opens one by surprise."""
        return self.file.name.rsplit(".", 1)[-1].upper() if self.file else ""

    def clean(self):
        if self.file and self.url:
            raise ValidationError({"url": PriorityError("document_source_both").validation_error()})
        if not self.file and not self.url:
            # On a field, so the database constraint's duplicate of this message is skipped.
            raise ValidationError(
                {"file": PriorityError("document_source_missing").validation_error()}
            )
