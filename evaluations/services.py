"""Evaluation use-cases: inviting attendees, taking responses once, issuing certificates.

Training knows nothing of evaluations: this app reads the registers through
training's selectors and asks every attendee for feedback from a periodic task.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from dscp.dates import format_date
from dscp.locking import each_once
from evaluations import notifications
from evaluations.errors import EvaluationError
from evaluations.models import (
    RATING_RANGE,
    SCALE_RANGE,
    Certificate,
    Evaluation,
    Invitation,
    Question,
    Response,
    WorksWith,
)
from training import selectors as training_selectors

# Attendance marked more than this long after a session gets no invitation:
# by then the feedback would say little, and switching the portal on must not
# email everyone ever trained.
INVITE_WITHIN = timedelta(days=30)
TEXT_LIMIT = 5000

SCORES = {
    "rating": ("Your rating of the session", RATING_RANGE),
    "knowledge_before": ("Your knowledge before the session", SCALE_RANGE),
    "knowledge_after": ("Your knowledge after the session", SCALE_RANGE),
    "confidence_before": ("Your confidence before the session", SCALE_RANGE),
    "confidence_after": ("Your confidence after the session", SCALE_RANGE),
}


@dataclass(frozen=True)
class Answers:
    """What a person typed into the form, already read by the form or the caller."""

    works_with: str
    agency: str
    rating: int
    knowledge_before: int
    knowledge_after: int
    confidence_before: int
    confidence_after: int
    do_differently: str = ""
    comments: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _check(answers: Answers, questions: list[Question]) -> dict[str, str]:
    """The answers as stored, or EvaluationError naming the first field that is wrong."""
    if answers.works_with not in WorksWith.values:
        raise EvaluationError("choice_invalid", field="works_with", label="Do you work with")
    if not answers.agency.strip():
        raise EvaluationError("answer_missing", field="agency", label="Your organisation")
    for name, (label, (low, high)) in SCORES.items():
        value = getattr(answers, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise EvaluationError("score_out_of_range", field=name, label=label, low=low, high=high)
    for name in ("do_differently", "comments"):
        if len(getattr(answers, name)) > TEXT_LIMIT:
            raise EvaluationError("answer_too_long", field=name, label=name, limit=TEXT_LIMIT)
    extra = {}
    for question in questions:
        value = str(answers.extra.get(question.field_name, "")).strip()
        if not value:
            if question.required:
                raise EvaluationError(
                    "answer_missing", field=question.field_name, label=question.text
                )
            continue
        if question.kind == Question.Kind.CHOICE and value not in question.options:
            raise EvaluationError("choice_invalid", field=question.field_name, label=question.text)
        if question.kind == Question.Kind.SCALE and value not in {str(n) for n in range(1, 11)}:
            raise EvaluationError(
                "score_out_of_range", field=question.field_name, label=question.text, low=1, high=10
            )
        if len(value) > TEXT_LIMIT:
            raise EvaluationError(
                "answer_too_long", field=question.field_name, label=question.text, limit=TEXT_LIMIT
            )
        # Keyed by the question's words as well as its id, so the CSV still
        # reads if staff later delete the question.
        extra[str(question.pk)] = {"question": question.text, "answer": value}
    return extra


def _response(evaluation: Evaluation, answers: Answers, **fields) -> Response:
    extra = _check(answers, list(evaluation.questions.all()))
    return Response(
        evaluation=evaluation,
        works_with=answers.works_with,
        agency=answers.agency.strip(),
        rating=answers.rating,
        knowledge_before=answers.knowledge_before,
        knowledge_after=answers.knowledge_after,
        confidence_before=answers.confidence_before,
        confidence_after=answers.confidence_after,
        do_differently=answers.do_differently.strip(),
        comments=answers.comments.strip(),
        answers=extra,
        **fields,
    )


def _save_once(response: Response, already: str) -> None:
    """Save a response the database allows only once (per booking, or per browser for an
    open link): losing that race raises the error ``already`` names, as the check before does."""
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:
        raise EvaluationError(already) from error


def invitation_check_attended(*, invitation: Invitation) -> None:
    """Raise unless the register shows the invited person attended: only they may answer or
    have a certificate. Staff can correct a register after the invitation went out."""
    if invitation.booking.status != invitation.booking.Status.ATTENDED:
        raise EvaluationError("not_attended")


def response_submit_invited(
    *, invitation: Invitation, answers: Answers, now: datetime | None = None
) -> Response:
    """Store an attendee's feedback; the link works once, however many times it is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        # The claim: one UPDATE that only one request can win, settled by
        # PostgreSQL's row lock; the loser's WHERE no longer matches.
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:
            raise EvaluationError("already_answered")
        invitation_check_attended(invitation=invitation)
        session = invitation.booking.session
        response = _response(
            invitation.evaluation,
            answers,
            source=Response.Source.INVITED,
            booking=invitation.booking,
            session=session,
            course=session.course,
            held_on=timezone.localdate(session.starts_at),
            submitted_at=now,
        )
        # One response per booking is a database rule too.
        _save_once(response, "already_answered")
    return response


def evaluation_check_open(*, evaluation: Evaluation, now: datetime | None = None) -> None:
    """Raise unless the form's open link takes answers now: open, active, and the event begun."""
    if not (evaluation.open_link and evaluation.active):
        raise EvaluationError("form_closed")
    if evaluation.starts_on and timezone.localdate(now or timezone.now()) < evaluation.starts_on:
        raise EvaluationError("not_happened", opens=format_date(evaluation.starts_on))


def response_submit_open(
    *, evaluation: Evaluation, browser_key: str, answers: Answers, now: datetime | None = None
) -> Response:
    """Store feedback from an event's open link: once per browser, never before the event."""
    now = now or timezone.now()
    evaluation_check_open(evaluation=evaluation, now=now)
    response = _response(
        evaluation,
        answers,
        source=Response.Source.OPEN,
        browser_key=browser_key,
        held_on=evaluation.starts_on,
        submitted_at=now,
    )
    _save_once(response, "already_answered_browser")
    return response


def evaluation_for_session(*, session) -> Evaluation:
    """The session's own form, else its course's, made for the course if there is none."""
    found = (
        Evaluation.objects.filter(Q(session=session) | Q(course_id=session.course_id))
        .order_by(F("session_id").asc(nulls_last=True))  # A session's own form wins.
        .first()
    )
    if found:
        return found
    course = session.course
    slug = slugify(f"{course.slug}-evaluation")[:190]
    with transaction.atomic():
        evaluation, _ = Evaluation.objects.get_or_create(
            course=course,
            defaults={
                "title": f"{course.title} evaluation",
                "slug": slug
                if not Evaluation.objects.filter(slug=slug).exists()
                else f"{slug}-{course.pk}",
            },
        )
    return evaluation


def invitations_create_due(*, now: datetime | None = None) -> int:
    """Make an invitation for each person marked attended since a session ended; returns
    how many. Running twice makes none twice: one invitation per booking is a unique key."""
    now = now or timezone.now()
    due = list(
        training_selectors.attended_bookings(ended_after=now - INVITE_WITHIN, ended_before=now)
        .filter(evaluation_invitation__isnull=True)
        .select_related("session__course")
    )
    forms = {}
    invitations = []
    for booking in due:
        if booking.session_id not in forms:
            forms[booking.session_id] = evaluation_for_session(session=booking.session)
        invitations.append(
            Invitation(evaluation=forms[booking.session_id], booking=booking, created_at=now)
        )
    return len(Invitation.objects.bulk_create(invitations, ignore_conflicts=True))


def invitations_send_due(*, now: datetime | None = None) -> int:
    """Email every invitation not yet sent, each exactly once even if two runs overlap."""
    now = now or timezone.now()
    invitations_create_due(now=now)
    pending = Invitation.objects.filter(sent_at__isnull=True)

    def send(invitation: Invitation) -> None:
        notifications.invitation_send(invitation=invitation)
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])

    return each_once(
        pending.select_related("evaluation", "booking__session__course"),
        pending.values_list("pk", flat=True),
        send,
    )


def _hours(invitation: Invitation) -> Decimal:
    if invitation.evaluation.hours:
        return invitation.evaluation.hours
    session = invitation.booking.session
    length = Decimal((session.ends_at - session.starts_at).total_seconds()) / 3600
    # To the nearest half hour, as CPD records count.
    return (length * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def certificate_issue(*, invitation: Invitation, now: datetime | None = None) -> Certificate:
    """The person's certificate, issued the first time they ask once they attended and answered."""
    invitation_check_attended(invitation=invitation)
    response = Response.objects.filter(booking_id=invitation.booking_id).first()
    if response is None:
        raise EvaluationError("needs_feedback")
    existing = Certificate.objects.filter(response=response).first()
    if existing:
        return existing
    session = invitation.booking.session
    for _ in range(3):
        certificate = Certificate(
            response=response,
            name=invitation.booking.name,
            title=session.course.title,
            held_on=timezone.localdate(session.starts_at),
            hours=_hours(invitation),
            issued_at=now or timezone.now(),
        )
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            # Two tabs asked at once (one certificate per response) or, rarely,
            # the random code was taken and the next try draws another.
            existing = Certificate.objects.filter(response=response).first()
            if existing:
                return existing
    raise RuntimeError("Could not draw an unused certificate code")


def evaluation_erase_for_bookings(*, booking_ids: list[int]) -> int:
    """Delete the certificates (they carry a name) and unlink the feedback from these bookings.

    The answers stay, unlinked from anyone, so the evaluation's figures hold.
    """
    with transaction.atomic():
        deleted, _ = Certificate.objects.filter(response__booking_id__in=booking_ids).delete()
        Response.objects.filter(booking_id__in=booking_ids).update(booking=None)
    return deleted
