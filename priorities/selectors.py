"""Reads for the public pages and the home page, each in a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from priorities.models import (
    Action,
    ActionStatus,
    Document,
    LearningCycle,
    LearningPoint,
    Phase,
    PhaseStatus,
    Priority,
    overdue_condition,
)


@dataclass(frozen=True)
class Progress:
    """How far a priority has got: its next steps and the phase its current cycle has reached."""

    done: int
    at_risk: int
    total: int
    overdue: int = 0
    cycle: LearningCycle | None = None
    phase: Phase | None = None
    phase_count: int = 0

    @property
    def text(self) -> str:
        """7 of 12 next steps done, 3 overdue, 2 at risk (an overdue step counts as overdue only)."""
        if not self.total:
            return "No next steps set yet"
        noun = "next step" if self.total == 1 else "next steps"
        overdue = f", {self.overdue} overdue" if self.overdue else ""
        return f"{self.done} of {self.total} {noun} done{overdue}, {self.at_risk} at risk"

    @property
    def phase_text(self) -> str:
        """Phase 6 of 6 (in progress): Putting the plan into practice."""
        if self.phase is None:
            return ""
        return (
            f"Phase {self.phase.number} of {self.phase_count} "
            f"({self.phase.get_status_display().lower()}): {self.phase.title}"
        )


def _current_cycle(priority: Priority) -> LearningCycle | None:
    # learning_cycles are prefetched newest first.
    cycles = priority.learning_cycles.all()
    return cycles[0] if cycles else None


def _phase_reached(cycle: LearningCycle | None) -> Phase | None:
    """The furthest phase that has started, or the first one if none has."""
    if cycle is None:
        return None
    phases = list(cycle.phases.all())
    started = [p for p in phases if p.status != PhaseStatus.NOT_STARTED]
    if started:
        return started[-1]
    return phases[0] if phases else None


def _progress(priority: Priority, *, done: int, at_risk: int, overdue: int, total: int) -> Progress:
    cycle = _current_cycle(priority)
    return Progress(
        done=done,
        at_risk=at_risk,
        overdue=overdue,
        total=total,
        cycle=cycle,
        phase=_phase_reached(cycle),
        phase_count=len(cycle.phases.all()) if cycle else 0,
    )


def _cycles_with_phases() -> Prefetch:
    return Prefetch(
        "learning_cycles",
        queryset=LearningCycle.objects.order_by("-start_date", "-pk").prefetch_related("phases"),
    )


def priority_overview() -> list[Priority]:
    """The active priorities in order, each with ``.progress`` (a Progress); three queries."""
    open_late = overdue_condition(via="actions__")
    priorities = (
        Priority.objects.filter(active=True)
        .annotate(
            steps_total=Count("actions"),
            steps_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            steps_overdue=Count("actions", filter=open_late),
            steps_at_risk=Count(
                "actions", filter=Q(actions__status=ActionStatus.AT_RISK) & ~open_late
            ),
        )
        .prefetch_related(_cycles_with_phases())
        # Meta.ordering does not apply to a query with GROUP BY.
        .order_by("order", "number")
    )
    for priority in priorities:
        priority.progress = _progress(
            priority,
            done=priority.steps_done,
            at_risk=priority.steps_at_risk,
            overdue=priority.steps_overdue,
            total=priority.steps_total,
        )
    return list(priorities)


def public_priorities() -> QuerySet[Priority]:
    """Active priorities with everything their page shows, in six queries however many."""
    return Priority.objects.filter(active=True).prefetch_related(
        _cycles_with_phases(),
        "achievements",
        Prefetch("learning_points", queryset=LearningPoint.objects.select_related("phase")),
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("theme").order_by(
                "theme__order", "theme__name", "due_date", "pk"
            ),
        ),
        "documents",
    )


def priority_detail(*, slug: str) -> Priority:
    """The active priority with this slug, with ``.progress`` and ``.themes`` (theme, actions).

    Seven queries however many next steps it has. Raises Priority.DoesNotExist for
    an unknown or inactive slug.
    """
    priority = public_priorities().get(slug=slug)
    actions = list(priority.actions.all())
    priority.progress = _progress(
        priority,
        done=sum(a.status == ActionStatus.DONE for a in actions),
        at_risk=sum(a.status == ActionStatus.AT_RISK and not a.is_overdue for a in actions),
        overdue=sum(a.is_overdue for a in actions),
        total=len(actions),
    )
    themes: dict = {}
    for action in actions:
        themes.setdefault(action.theme, []).append(action)
    priority.themes = list(themes.items())
    return priority


def overdue_by_owner() -> list[dict]:
    """Owners with open next steps past their due date, most overdue first: {owner, overdue}."""
    return list(
        Action.objects.with_overdue()
        .filter(overdue=True)
        .values("owner")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner")
    )


def active_priorities() -> QuerySet[Priority]:
    """The priorities the partnership is working on now, in their order."""
    return Priority.objects.filter(active=True)


def document_file_visible_to(*, name: str, user) -> bool:
    """Whether the viewer may fetch this stored document: anyone while its priority is
    active, staff who may view documents otherwise."""
    actives = set(Document.objects.filter(file=name).values_list("priority__active", flat=True))
    if True in actives:
        return True
    return bool(actives) and user.has_perm("priorities.view_document")


def all_priorities() -> QuerySet[Priority]:
    """Every priority, inactive ones too, e.g. to filter a report by."""
    return Priority.objects.all()


def priorities_by_slug() -> dict[str, Priority]:
    """Every priority by its slug, for other apps' demo content to point at."""
    return {priority.slug: priority for priority in Priority.objects.all()}
