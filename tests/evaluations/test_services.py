import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from evaluations import selectors, services
from evaluations.errors import EvaluationError
from evaluations.models import Certificate, Evaluation, Invitation, Question, Response
from tests.support.locks import locked_elsewhere
from tests.training.factories import BookingFactory
from training.models import Booking

from .factories import (
    AttendedBookingFactory,
    EvaluationFactory,
    InvitationFactory,
    OpenEvaluationFactory,
    ResponseFactory,
    past_session,
)

pytestmark = pytest.mark.django_db


def test_a_feedback_link_works_once(answers):
    invitation = InvitationFactory()
    services.response_submit_invited(invitation=invitation, answers=answers())
    with pytest.raises(EvaluationError) as error:
        services.response_submit_invited(invitation=invitation, answers=answers(rating=1))
    assert error.value.code == "already_answered"
    [response] = Response.objects.all()
    assert response.rating == 5 and response.booking == invitation.booking
    assert response.source == Response.Source.INVITED


def test_the_database_allows_one_response_per_booking():
    booking = AttendedBookingFactory()
    ResponseFactory(booking=booking, source=Response.Source.INVITED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseFactory(booking=booking, source=Response.Source.INVITED)


@pytest.mark.parametrize(
    ("field", "value"),
    [("rating", 6), ("rating", 0), ("knowledge_before", 11), ("confidence_after", 0)],
)
def test_out_of_range_scores_are_refused_and_nothing_is_stored(answers, field, value):
    invitation = InvitationFactory()
    with pytest.raises(EvaluationError) as error:
        services.response_submit_invited(invitation=invitation, answers=answers(**{field: value}))
    assert error.value.code == "score_out_of_range" and error.value.field == field
    assert not Response.objects.exists()
    # The refused answer does not use up the link.
    invitation.refresh_from_db()
    assert invitation.used_at is None


@pytest.mark.parametrize("field", ["rating", "knowledge_after", "confidence_before"])
def test_the_database_refuses_out_of_range_scores(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseFactory(**{field: 11})


def test_a_required_extra_question_must_be_answered(answers):
    invitation = InvitationFactory()
    question = Question.objects.create(
        evaluation=invitation.evaluation,
        text="Which strand did you take?",
        kind=Question.Kind.CHOICE,
        choices="Strand 1\nStrand 2",
        required=True,
    )
    with pytest.raises(EvaluationError) as error:
        services.response_submit_invited(invitation=invitation, answers=answers())
    assert error.value.code == "answer_missing" and error.value.field == question.field_name
    with pytest.raises(EvaluationError):
        services.response_submit_invited(
            invitation=invitation, answers=answers(extra={question.field_name: "Strand 9"})
        )
    response = services.response_submit_invited(
        invitation=invitation, answers=answers(extra={question.field_name: "Strand 2"})
    )
    assert response.answers == {
        str(question.pk): {"question": "Which strand did you take?", "answer": "Strand 2"}
    }


def test_someone_taken_off_the_register_cannot_answer(answers):
    invitation = InvitationFactory()
    Booking.objects.filter(pk=invitation.booking_id).update(status=Booking.Status.DID_NOT_ATTEND)
    invitation.booking.refresh_from_db()
    with pytest.raises(EvaluationError) as error:
        services.response_submit_invited(invitation=invitation, answers=answers())
    assert error.value.code == "not_attended"
    assert not Response.objects.exists()


def test_the_open_link_takes_one_response_per_browser(answers):
    evaluation = OpenEvaluationFactory()
    services.response_submit_open(evaluation=evaluation, browser_key="browser-a", answers=answers())
    with pytest.raises(EvaluationError) as error:
        services.response_submit_open(
            evaluation=evaluation, browser_key="browser-a", answers=answers()
        )
    assert error.value.code == "already_answered_browser"
    services.response_submit_open(evaluation=evaluation, browser_key="browser-b", answers=answers())
    assert evaluation.responses.filter(source=Response.Source.OPEN).count() == 2


def test_an_event_form_does_not_open_before_the_event(answers):
    evaluation = OpenEvaluationFactory(starts_on=timezone.localdate() + timedelta(days=2))
    with pytest.raises(EvaluationError) as error:
        services.response_submit_open(evaluation=evaluation, browser_key="b", answers=answers())
    assert error.value.code == "not_happened"
    assert "This form opens on" in error.value.message
    assert not Response.objects.exists()


def test_a_form_without_an_open_link_refuses_open_answers(answers):
    evaluation = EvaluationFactory()
    with pytest.raises(EvaluationError) as error:
        services.response_submit_open(evaluation=evaluation, browser_key="b", answers=answers())
    assert error.value.code == "form_closed"


def test_attendees_get_one_invitation_each_even_if_the_task_runs_twice():
    session = past_session()
    attended = AttendedBookingFactory.create_batch(3, session=session)
    BookingFactory(session=session, status=Booking.Status.DID_NOT_ATTEND)
    BookingFactory(session=session, status=Booking.Status.CANCELLED)

    assert services.invitations_send_due() == 3
    assert services.invitations_send_due() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.email for b in attended)
    assert "/evaluations/feedback/" in mail.outbox[0].body
    # With no form for the course yet, one is made for it.
    evaluation = Evaluation.objects.get()
    assert evaluation.course == session.course
    assert set(Invitation.objects.values_list("evaluation", flat=True)) == {evaluation.pk}


def test_a_sessions_own_form_wins_over_its_courses():
    session = past_session()
    EvaluationFactory(course=session.course)
    own = EvaluationFactory(session=session)
    AttendedBookingFactory(session=session)
    services.invitations_create_due()
    assert Invitation.objects.get().evaluation == own


def test_no_invitation_for_sessions_long_past():
    booking = AttendedBookingFactory()
    services.invitations_send_due(now=timezone.now() + services.INVITE_WITHIN + timedelta(days=2))
    assert not Invitation.objects.filter(booking=booking).exists()


@pytest.mark.django_db(transaction=True)
def test_an_overlapping_run_skips_an_invitation_being_sent():
    invitation = InvitationFactory(sent_at=None)
    with locked_elsewhere(invitation):
        assert services.invitations_send_due() == 0
    assert services.invitations_send_due() == 1
    assert services.invitations_send_due() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_store_one_response(answers):
    invitation = InvitationFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(rating):
        try:
            barrier.wait(timeout=30)
            services.response_submit_invited(invitation=invitation, answers=answers(rating=rating))
            outcomes.append("stored")
        except EvaluationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(r,)) for r in (4, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_answered", "stored"]
    assert Response.objects.count() == 1


def test_a_certificate_needs_attendance_and_feedback_first(answers):
    invitation = InvitationFactory()
    with pytest.raises(EvaluationError) as error:
        services.certificate_issue(invitation=invitation)
    assert error.value.code == "needs_feedback"

    services.response_submit_invited(invitation=invitation, answers=answers())
    certificate = services.certificate_issue(invitation=invitation)
    assert services.certificate_issue(invitation=invitation) == certificate
    assert Certificate.objects.count() == 1
    assert certificate.name == invitation.booking.name
    assert certificate.title == invitation.booking.session.course.title
    certificate.refresh_from_db()
    assert certificate.hours == Decimal("3")

    assert selectors.certificate_verify(code=certificate.code.lower()) == certificate
    assert (
        selectors.certificate_verify(code=" " + certificate.code.replace("-", "- ")) == certificate
    )
    with pytest.raises(EvaluationError) as error:
        selectors.certificate_verify(code="DSCP-0000-0000")
    assert error.value.code == "code_unknown"


def test_no_certificate_for_someone_who_did_not_attend():
    invitation = InvitationFactory()
    Booking.objects.filter(pk=invitation.booking_id).update(status=Booking.Status.CONFIRMED)
    invitation.booking.refresh_from_db()
    with pytest.raises(EvaluationError) as error:
        services.certificate_issue(invitation=invitation)
    assert error.value.code == "not_attended"
    assert not Certificate.objects.exists()
