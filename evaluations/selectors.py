"""Reads for feedback links, reports, the priorities pages and newsletter figures.

Every figure is computed by PostgreSQL in a fixed number of queries, however
many responses there are: nothing is averaged in Python.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, F, Q, QuerySet

from dscp.dates import format_date
from evaluations import tokens
from evaluations.errors import EvaluationError
from evaluations.models import (
    RATING_RANGE,
    Certificate,
    Evaluation,
    Invitation,
    Response,
    WorksWith,
)
from training import selectors as training_selectors

# Fewer people than this and a published figure could single someone out.
MIN_PUBLISHED_COUNT = 10


def invitation_from_token(
    *, token: str, max_age: timedelta | None = tokens.FEEDBACK_MAX_AGE
) -> Invitation:
    """The invitation a feedback link names, with its booking, session and form; or
    EvaluationError: ``link_invalid`` (tampered with), ``link_expired`` (older than
    ``max_age``; the certificate page passes None) or ``link_unknown`` (signed by us, but
    the invitation is gone: its booking was deleted under the retention rule)."""
    invitation_id = tokens.read_feedback_token(token, max_age=max_age)
    invitation = (
        Invitation.objects.select_related("evaluation", "booking__session__course")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise EvaluationError("link_unknown")
    return invitation


def has_answered(*, booking) -> bool:
    """Whether feedback came in through this booking's link (a second tab may have sent it)."""
    return Response.objects.filter(booking=booking).exists()


def open_evaluation(*, slug: str) -> Evaluation | None:
    """The form an event's open link names, if it has one; open or not, its page says which."""
    return Evaluation.objects.filter(slug=slug, open_link=True).first()


@dataclass(frozen=True)
class ReportFilters:
    evaluation: Evaluation | None = None
    course: object | None = None
    session: object | None = None
    priority: object | None = None
    date_from: date | None = None
    date_to: date | None = None

    def response_q(self, prefix: str = "") -> Q:
        """The responses (or, with a prefix, the rows that lead to one) these filters choose."""
        q = Q()
        if self.evaluation:
            q &= Q(**{f"{prefix}evaluation": self.evaluation})
        if self.course:
            q &= Q(**{f"{prefix}course": self.course})
        if self.session:
            q &= Q(**{f"{prefix}session": self.session})
        if self.priority:
            q &= Q(**{f"{prefix}course__priority": self.priority}) | Q(
                **{f"{prefix}evaluation__priority": self.priority}
            )
        return q & self._dates_q(f"{prefix}held_on")

    def invitation_q(self) -> Q:
        q = Q(sent_at__isnull=False)
        session = "booking__session"
        if self.evaluation:
            q &= Q(evaluation=self.evaluation)
        if self.course:
            q &= Q(**{f"{session}__course": self.course})
        if self.session:
            q &= Q(booking__session=self.session)
        if self.priority:
            q &= Q(**{f"{session}__course__priority": self.priority})
        return q & self._dates_q(f"{session}__starts_at__date")

    def _dates_q(self, day: str) -> Q:
        """The chosen dates, from and to inclusive, on the field ``day`` names."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{day}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{day}__lte": self.date_to})
        return q

    def __str__(self) -> str:
        """What was chosen, in words, e.g. for the audit log: never a person."""
        chosen = [str(v) for v in (self.evaluation, self.course, self.session, self.priority) if v]
        if self.date_from:
            chosen.append(f"from {format_date(self.date_from)}")
        if self.date_to:
            chosen.append(f"to {format_date(self.date_to)}")
        return ", ".join(chosen) or "all responses"


@dataclass(frozen=True)
class BeforeAfter:
    label: str
    before: float | None
    after: float | None
    improved: int
    count: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def change_text(self) -> str:
        """+2.45, to two decimals with its sign."""
        return "" if self.change is None else f"{self.change:+.2f}"

    @property
    def improved_share(self) -> float | None:
        """The share of people who scored themselves higher after than before."""
        return self.improved / self.count if self.count else None


@dataclass(frozen=True)
class Report:
    responses: int
    open_responses: int
    invited: int
    invited_responses: int
    rating: float | None
    ratings: list[tuple[str, int]]
    knowledge: BeforeAfter
    confidence: BeforeAfter
    works_with: list[tuple[str, int]]
    agencies: list[tuple[str, int]] = field(default_factory=list)
    free_text: list[dict] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        """The share of people emailed a link who answered; None if no one was."""
        return self.invited_responses / self.invited if self.invited else None

    @property
    def measures(self) -> list[BeforeAfter]:
        return [self.knowledge, self.confidence]

    @property
    def all_open(self) -> bool:
        return self.responses > 0 and self.open_responses == self.responses


def _scores(responses: QuerySet[Response]) -> dict:
    low, high = RATING_RANGE
    return responses.aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(source=Response.Source.OPEN)),
        invited=Count("pk", filter=Q(source=Response.Source.INVITED)),
        mean_rating=Avg("rating"),
        mean_knowledge_before=Avg("knowledge_before"),
        mean_knowledge_after=Avg("knowledge_after"),
        knowledge_improved=Count("pk", filter=Q(knowledge_after__gt=F("knowledge_before"))),
        mean_confidence_before=Avg("confidence_before"),
        mean_confidence_after=Avg("confidence_after"),
        confidence_improved=Count("pk", filter=Q(confidence_after__gt=F("confidence_before"))),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in range(low, high + 1)},
        **{f"works_{value}": Count("pk", filter=Q(works_with=value)) for value in WorksWith.values},
    )


def report_summary(*, filters: ReportFilters) -> Report:
    """The headline figures and charts' numbers, without per-agency or free-text lists; two queries."""
    scores = _scores(Response.objects.filter(filters.response_q()))
    low, high = RATING_RANGE
    invited = Invitation.objects.filter(filters.invitation_q()).count()
    return Report(
        responses=scores["count"],
        open_responses=scores["open"],
        invited=invited,
        invited_responses=scores["invited"],
        rating=scores["mean_rating"],
        ratings=[(str(n), scores[f"rating_{n}"]) for n in range(high, low - 1, -1)],
        knowledge=BeforeAfter(
            "Knowledge",
            scores["mean_knowledge_before"],
            scores["mean_knowledge_after"],
            scores["knowledge_improved"],
            scores["count"],
        ),
        confidence=BeforeAfter(
            "Confidence",
            scores["mean_confidence_before"],
            scores["mean_confidence_after"],
            scores["confidence_improved"],
            scores["count"],
        ),
        works_with=[(label, scores[f"works_{value}"]) for value, label in WorksWith.choices],
    )


def report_build(*, filters: ReportFilters) -> Report:
    """Everything the staff report shows, in four queries whatever the number of responses."""
    summary = report_summary(filters=filters)
    responses = Response.objects.filter(filters.response_q())
    agencies = [
        (row["agency"], row["count"])
        for row in responses.values("agency")
        .annotate(count=Count("pk"))
        .order_by("-count", "agency")
    ]
    free_text = list(
        responses.filter(~Q(do_differently="") | ~Q(comments="") | ~Q(answers={}))
        .order_by("held_on", "pk")
        .values("held_on", "do_differently", "comments", "answers", "evaluation__title")
    )
    return Report(
        **{**summary.__dict__, "agencies": agencies, "free_text": free_text},
    )


def report_responses(*, filters: ReportFilters) -> QuerySet[Response]:
    """The responses the filters choose, oldest first, for the CSV export."""
    return (
        Response.objects.filter(filters.response_q())
        .select_related("evaluation", "course", "session__course")
        .order_by("held_on", "pk")
    )


@dataclass(frozen=True)
class Impact:
    people: int
    agencies: int
    responses: int
    knowledge_change: float | None

    @property
    def shows_people(self) -> bool:
        return self.people >= MIN_PUBLISHED_COUNT

    @property
    def shows_knowledge(self) -> bool:
        return self.responses >= MIN_PUBLISHED_COUNT and self.knowledge_change is not None

    @property
    def minimum(self) -> int:
        """The fewest people a figure is shown for, so that no one can be singled out."""
        return MIN_PUBLISHED_COUNT


def impact_for_priority(*, priority) -> Impact:
    """Trained practitioners, their organisations and knowledge gained on a priority; two queries."""
    attendance = training_selectors.attendance_for_priority(priority=priority)
    scores = Response.objects.filter(ReportFilters(priority=priority).response_q()).aggregate(
        count=Count("pk"),
        before=Avg("knowledge_before"),
        after=Avg("knowledge_after"),
    )
    change = scores["after"] - scores["before"] if scores["count"] else None
    return Impact(
        people=attendance["people"],
        agencies=attendance["agencies"],
        responses=scores["count"],
        knowledge_change=change,
    )


def certificate_verify(*, code: str) -> Certificate:
    """The certificate with this code as typed (any case, spaces ignored), or an error."""
    cleaned = "".join(code.split()).upper()[:14]
    certificate = Certificate.objects.filter(code=cleaned).first()
    if certificate is None:
        raise EvaluationError("code_unknown", field="code")
    return certificate


def evaluation_data_for_bookings(*, booking_ids: list[int]) -> list[dict]:
    """The feedback given through these bookings' links, for a person's data download."""
    responses = Response.objects.filter(booking_id__in=booking_ids).select_related(
        "evaluation", "certificate"
    )
    return [
        {
            "evaluation": r.evaluation.title,
            "agency": r.agency,
            "do_differently": r.do_differently,
            "comments": r.comments,
            "certificate": getattr(r, "certificate", None) and r.certificate.code,
        }
        for r in responses
    ]
