import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from evaluations import charts, selectors, services
from evaluations.models import Certificate, Response
from evaluations.notifications import feedback_url
from tests.factories import StaffFactory
from training.models import Agency, Booking

from .factories import AttendedBookingFactory, InvitationFactory, OpenEvaluationFactory

pytestmark = pytest.mark.django_db

FORM = {
    "works_with": "both",
    "agency": "Durham Constabulary",
    "rating": "5",
    "knowledge_before": "4",
    "knowledge_after": "8",
    "confidence_before": "3",
    "confidence_after": "7",
    "do_differently": "Check who else lives in the house.",
}


def _path(invitation) -> str:
    return feedback_url(invitation).removeprefix("http://testserver")


@pytest.fixture(autouse=True)
def constabulary():
    return Agency.objects.get_or_create(name="Durham Constabulary")[0]


def test_an_attendee_answers_once_and_gets_a_certificate(client):
    invitation = InvitationFactory()
    page = client.get(_path(invitation))
    assert page.status_code == 200
    assert "Do you work with" in page.text

    response = client.post(_path(invitation), FORM, follow=True)
    assert response.redirect_chain[-1][0].endswith("/thanks/")
    assert "Thank you for your feedback" in response.text
    # The same link again shows the thanks, not a second form.
    again = client.post(_path(invitation), {**FORM, "rating": "1"}, follow=True)
    assert "Thank you for your feedback" in again.text
    assert Response.objects.get().rating == 5

    certificate_page = client.get(_path(invitation) + "certificate/")
    certificate = Certificate.objects.get()
    assert certificate.code in certificate_page.text
    assert invitation.booking.name in certificate_page.text

    verify = client.get(reverse("evaluations:certificate_verify"), {"code": certificate.code})
    assert "This certificate is genuine" in verify.text
    assert invitation.booking.name in verify.text


def test_errors_sit_next_to_the_fields_and_keep_what_was_typed(client):
    invitation = InvitationFactory()
    response = client.post(_path(invitation), {**FORM, "rating": "9", "knowledge_after": ""})
    assert response.status_code == 200
    assert "Your rating of the session must be a whole number from 1 to 5." in response.text
    assert "Answer “Your knowledge of the subject after the session”." in response.text
    assert "Check who else lives in the house." in response.text
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "damage", [lambda t: t[:-3] + "abc", lambda t: "nonsense", lambda t: "x" * 500]
)
def test_a_tampered_link_gets_a_helpful_page(client, damage):
    invitation = InvitationFactory()
    token = _path(invitation).split("/")[-2]
    response = client.get(reverse("evaluations:feedback", args=[damage(token)]))
    assert response.status_code == 404
    assert "This link is not complete or has been changed" in response.text


def test_someone_taken_off_the_register_is_told_why_instead_of_a_form(client):
    invitation = InvitationFactory()
    Booking.objects.filter(pk=invitation.booking_id).update(status=Booking.Status.DID_NOT_ATTEND)
    for response in [client.get(_path(invitation)), client.post(_path(invitation), FORM)]:
        assert response.status_code == 403
        assert "The register does not show you at this session" in response.text
        assert "Do you work with" not in response.text
    assert not Response.objects.exists()


def test_a_certificate_before_feedback_says_to_give_feedback(client):
    invitation = InvitationFactory()
    response = client.get(_path(invitation) + "certificate/")
    assert response.status_code == 403
    assert "Give your feedback on the session first" in response.text
    assert not Certificate.objects.exists()


def test_an_unknown_certificate_code_is_explained(client):
    response = client.get(reverse("evaluations:certificate_verify"), {"code": "DSCP-AAAA-BBBB"})
    assert "We cannot find a certificate with that code" in response.text


def test_the_open_link_takes_one_answer_per_browser(client):
    evaluation = OpenEvaluationFactory()
    url = reverse("evaluations:open_form", args=[evaluation.slug])
    client.post(url, FORM)
    page = client.get(url)
    assert "Thank you for your feedback" in page.text
    client.post(url, FORM)
    assert Response.objects.filter(evaluation=evaluation).count() == 1


def test_the_open_link_before_the_event_says_when_it_opens(client):
    from datetime import timedelta

    from django.utils import timezone

    evaluation = OpenEvaluationFactory(starts_on=timezone.localdate() + timedelta(days=7))
    response = client.post(reverse("evaluations:open_form", args=[evaluation.slug]), FORM)
    assert response.status_code == 403
    assert "This form opens on" in response.text
    assert not Response.objects.exists()


def test_the_invitation_email_link_opens_the_form(client):
    AttendedBookingFactory()
    services.invitations_send_due()
    link = re.search(r"http://testserver(/evaluations/feedback/\S+/)", mail.outbox[0].body)[1]
    assert client.get(link).status_code == 200


def test_the_report_is_for_staff_only(client):
    response = client.get(reverse("evaluations:report"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_staff_see_the_report_with_charts_and_a_csv(client):
    evaluation = OpenEvaluationFactory(title="Safeguarding Week 2023")
    for rating in (5, 4):
        services.response_submit_open(
            evaluation=evaluation,
            browser_key=f"b{rating}",
            answers=services.Answers(
                works_with="children",
                agency="=cmd|' /C calc'!A0",
                rating=rating,
                knowledge_before=5,
                knowledge_after=8,
                confidence_before=5,
                confidence_after=7,
                comments="Very useful",
            ),
        )
    client.force_login(StaffFactory())
    page = client.get(reverse("evaluations:report"), {"evaluation": evaluation.pk})
    assert page.status_code == 200
    assert "4.50" in page.text and "+3.00" in page.text
    report = selectors.report_build(filters=selectors.ReportFilters(evaluation=evaluation))
    drawn = charts.report_charts(report)
    assert len(drawn) == 4
    for chart in drawn:  # each drawn, as an image named by its title
        assert f'role="img" aria-labelledby="chart-{chart.slug}-title' in page.text
        assert f">{chart.title}</h" in page.text
    assert "Very useful" in page.text
    assert "open link" in page.text

    csv = client.get(reverse("evaluations:report_csv"), {"evaluation": evaluation.pk})
    body = b"".join(csv.streaming_content).decode()
    assert body.splitlines()[0].startswith("submitted,form,source")
    assert len(body.splitlines()) == 3
    # A formula typed into the form is defused before it reaches a spreadsheet.
    assert "'=cmd" in body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.count) == ("exported", 2)
    assert entry.subject == "Evaluation responses: Safeguarding Week 2023"


def test_the_admin_links_to_the_report(client):
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:evaluations_evaluation_changelist"))
    assert reverse("evaluations:report") in page.text


def test_a_priority_page_shows_training_impact_only_above_the_minimum(client):
    from evaluations.selectors import MIN_PUBLISHED_COUNT
    from tests.evaluations.factories import ResponseFactory, past_session
    from tests.priorities.factories import PriorityFactory
    from tests.training.factories import BookingFactory, CourseFactory

    priority = PriorityFactory()
    course = CourseFactory(priority=priority)
    session = past_session(course=course)
    BookingFactory.create_batch(3, session=session, status="attended")
    page = client.get(priority.get_absolute_url())
    assert "Impact of training" in page.text
    assert f"once at least {MIN_PUBLISHED_COUNT} practitioners" in page.text
    assert "practitioners trained" not in page.text

    BookingFactory.create_batch(MIN_PUBLISHED_COUNT, session=session, status="attended")
    ResponseFactory.create_batch(10, course=course, knowledge_before=5, knowledge_after=7)
    page = client.get(priority.get_absolute_url())
    assert "practitioners trained on this priority" in page.text
    assert "2.00" in page.text


def test_a_backwards_date_range_is_explained_next_to_the_field(client):
    client.force_login(StaffFactory())
    page = client.get(
        reverse("evaluations:report"), {"date_from": "24/11/2023", "date_to": "20/11/2023"}
    )
    assert "The end date must be the same as or after the start date" in page.text
    assert 'value="24/11/2023"' in page.text


def test_the_report_page_takes_the_same_queries_for_10_or_1000_responses(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.evaluations.factories import ResponseFactory

    evaluation = OpenEvaluationFactory()
    client.force_login(StaffFactory())
    # The first request fills per-process caches (content types, site settings).
    client.get(reverse("evaluations:report"))
    counts = []
    for total in (10, 1000):
        Response.objects.bulk_create(
            ResponseFactory.build(evaluation=evaluation, agency=f"Agency {n % 9}")
            for n in range(total - Response.objects.count())
        )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("evaluations:report"), {"evaluation": evaluation.pk})
        assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{total}</td>' in page.text
        counts.append(len(queries))
    assert counts[0] == counts[1]
