import time

import pytest
from django.core import signing

from evaluations import selectors, tokens
from evaluations.errors import EvaluationError
from evaluations.models import Response
from evaluations.selectors import ReportFilters
from tests.priorities.factories import PriorityFactory
from tests.training.factories import BookingFactory, CourseFactory
from training.models import Booking

from .factories import (
    EvaluationFactory,
    InvitationFactory,
    OpenEvaluationFactory,
    ResponseFactory,
    past_session,
)

pytestmark = pytest.mark.django_db


def _responses(evaluation, rows):
    Response.objects.bulk_create(
        ResponseFactory.build(
            evaluation=evaluation,
            rating=rating,
            knowledge_before=before,
            knowledge_after=after,
            confidence_before=before,
            confidence_after=min(10, after + 1),
            works_with=works_with,
            agency=agency,
        )
        for rating, before, after, works_with, agency in rows
    )


def test_report_figures_match_the_true_means_to_two_decimals():
    evaluation = OpenEvaluationFactory()
    # Ratings 5,5,4,3 -> 4.25; knowledge 2,5,6,7 -> 5.00 before, 6,9,6,8 -> 7.25 after.
    _responses(
        evaluation,
        [
            (5, 2, 6, "children", "Durham Constabulary"),
            (5, 5, 9, "adults", "Durham County Council"),
            (4, 6, 6, "both", "Durham Constabulary"),
            (3, 7, 8, "children", "A school"),
        ],
    )
    ResponseFactory(rating=1)  # another form's: left out

    report = selectors.report_build(filters=ReportFilters(evaluation=evaluation))

    assert report.responses == 4
    assert f"{report.rating:.2f}" == "4.25"
    assert f"{report.knowledge.before:.2f}" == "5.00"
    assert f"{report.knowledge.after:.2f}" == "7.25"
    assert report.knowledge.change_text == "+2.25"
    assert report.knowledge.improved == 3 and report.knowledge.improved_share == 0.75
    assert f"{report.confidence.after:.2f}" == "8.25"
    assert report.ratings == [("5", 2), ("4", 1), ("3", 1), ("2", 0), ("1", 0)]
    assert report.works_with == [
        ("Children", 2),
        ("Adults", 1),
        ("Both children and adults", 1),
        ("Other", 0),
    ]
    assert report.agencies == [
        ("Durham Constabulary", 2),
        ("A school", 1),
        ("Durham County Council", 1),
    ]
    assert report.all_open and report.response_rate is None


def test_response_rate_counts_answers_from_emailed_links():
    course = CourseFactory()
    evaluation = EvaluationFactory(course=course)
    invitations = InvitationFactory.create_batch(
        4, evaluation=evaluation, booking__session=past_session(course=course)
    )
    ResponseFactory(
        evaluation=evaluation,
        source=Response.Source.INVITED,
        booking=invitations[0].booking,
        course=course,
    )
    report = selectors.report_build(filters=ReportFilters(course=course))
    assert (report.invited_responses, report.invited) == (1, 4)
    assert report.response_rate == 0.25


@pytest.mark.parametrize("count", [10, 1000])
def test_the_report_takes_the_same_queries_for_10_or_1000_responses(
    count, django_assert_num_queries
):
    evaluation = OpenEvaluationFactory()
    rows = [(1 + n % 5, 1 + n % 10, 10 - n % 3, "both", f"Agency {n % 7}") for n in range(count)]
    _responses(evaluation, rows)
    with django_assert_num_queries(4):
        report = selectors.report_build(filters=ReportFilters(evaluation=evaluation))
    assert report.responses == count


def test_priority_impact_is_suppressed_below_the_minimum():
    priority = PriorityFactory()
    session = past_session(course=CourseFactory(priority=priority))
    BookingFactory.create_batch(
        selectors.MIN_PUBLISHED_COUNT - 1, session=session, status=Booking.Status.ATTENDED
    )
    impact = selectors.impact_for_priority(priority=priority)
    assert impact.people == selectors.MIN_PUBLISHED_COUNT - 1
    assert not impact.shows_people

    BookingFactory(session=session, status=Booking.Status.ATTENDED, email="LATE@example.org")
    # The same person on a second course counts once.
    BookingFactory(
        session=past_session(course=session.course),
        status=Booking.Status.ATTENDED,
        email="late@example.org",
    )
    impact = selectors.impact_for_priority(priority=priority)
    assert impact.people == selectors.MIN_PUBLISHED_COUNT and impact.shows_people


def test_priority_impact_averages_knowledge_change_from_its_courses_and_events():
    priority = PriorityFactory()
    course = CourseFactory(priority=priority)
    for _ in range(6):
        ResponseFactory(course=course, knowledge_before=4, knowledge_after=7)
    for _ in range(4):
        ResponseFactory(
            evaluation=OpenEvaluationFactory(priority=priority),
            knowledge_before=5,
            knowledge_after=7,
        )
    ResponseFactory(knowledge_before=1, knowledge_after=10)  # no priority
    impact = selectors.impact_for_priority(priority=priority)
    assert impact.responses == 10 and impact.shows_knowledge
    assert f"{impact.knowledge_change:.2f}" == "2.60"


def test_reports_filter_by_priority_and_date_range():
    import datetime

    priority = PriorityFactory()
    course = CourseFactory(priority=priority)
    day = datetime.date(2024, 2, 6)
    ResponseFactory(course=course, held_on=day, rating=5)
    ResponseFactory(course=course, held_on=day + datetime.timedelta(days=40), rating=3)
    ResponseFactory(evaluation=OpenEvaluationFactory(priority=priority), held_on=day, rating=4)
    ResponseFactory(held_on=day, rating=1)

    in_february = ReportFilters(
        priority=priority, date_from=day, date_to=day + datetime.timedelta(days=20)
    )
    report = selectors.report_build(filters=in_february)
    assert report.responses == 2 and f"{report.rating:.2f}" == "4.50"
    assert selectors.report_build(filters=ReportFilters(priority=priority)).responses == 3


def test_a_feedback_link_names_its_invitation():
    invitation = InvitationFactory()
    token = tokens.feedback_token(invitation_id=invitation.pk)
    assert selectors.invitation_from_token(token=token) == invitation


def test_a_tampered_feedback_link_is_invalid():
    token = tokens.feedback_token(invitation_id=InvitationFactory().pk)
    with pytest.raises(EvaluationError) as caught:
        selectors.invitation_from_token(token=token[:-3] + "abc")
    assert caught.value.code == "link_invalid"


def test_an_old_feedback_link_has_expired_but_still_opens_the_certificate(monkeypatch):
    invitation = InvitationFactory()
    made_at = time.time() - tokens.FEEDBACK_MAX_AGE.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: made_at)
    token = tokens.feedback_token(invitation_id=invitation.pk)
    monkeypatch.undo()
    with pytest.raises(EvaluationError) as caught:
        selectors.invitation_from_token(token=token)
    assert caught.value.code == "link_expired"
    assert selectors.invitation_from_token(token=token, max_age=None) == invitation


def test_a_feedback_link_whose_invitation_is_gone_is_unknown():
    invitation = InvitationFactory()
    token = tokens.feedback_token(invitation_id=invitation.pk)
    invitation.delete()
    with pytest.raises(EvaluationError) as caught:
        selectors.invitation_from_token(token=token)
    assert caught.value.code == "link_unknown"


def test_an_open_form_is_found_only_through_its_open_link():
    evaluation = OpenEvaluationFactory()
    closed = EvaluationFactory(open_link=False)
    assert selectors.open_evaluation(slug=evaluation.slug) == evaluation
    assert selectors.open_evaluation(slug=closed.slug) is None


def test_has_answered_says_whether_a_bookings_feedback_came_in():
    invitation = InvitationFactory()
    assert not selectors.has_answered(booking=invitation.booking)
    ResponseFactory(booking=invitation.booking, source=Response.Source.INVITED)
    assert selectors.has_answered(booking=invitation.booking)
