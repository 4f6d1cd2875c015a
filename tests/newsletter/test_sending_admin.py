"""Staff send an issue from admin: a test, then the real thing with a confirmation step."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Send
from subscriptions.models import Subscriber, Subscription
from tests.factories import StaffFactory
from tests.newsletter.audience import build_audience
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_issue_page_offers_publish_and_send_for_a_draft_and_send_once_published(staff_client):
    draft = IssueFactory()
    published = build_audience(subscribers=1).issue
    draft_page = staff_client.get(
        reverse("admin:newsletter_issue_change", args=[draft.pk])
    ).content.decode()
    published_page = staff_client.get(
        reverse("admin:newsletter_issue_change", args=[published.pk])
    ).content.decode()
    assert "Send a test…" in draft_page and "Publish and send…" in draft_page
    assert "Send to lists…" in published_page


def test_confirming_publish_and_send_says_it_publishes(staff_client):
    audience = build_audience(subscribers=3, published=False)
    url = reverse("admin:newsletter_send_new", args=[audience.issue.pk])
    data = {"lists": [ml.pk for ml in audience.lists], "when": "now"}
    page = staff_client.post(url, data).content.decode()
    assert "This publishes <strong>" in page
    assert 'value="Publish and send now"' in page


def test_a_second_send_says_it_has_gone_to_everyone_and_offers_only_newcomers(
    staff_client, django_capture_on_commit_callbacks
):
    audience = build_audience(subscribers=4)
    url = reverse("admin:newsletter_send_new", args=[audience.issue.pk])
    data = {"lists": [ml.pk for ml in audience.lists], "when": "now"}
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {**data, "confirm": "1"})

    again = staff_client.post(url, data).content.decode()
    assert "has already been sent to everyone on these lists" in again
    assert "Send now" not in again

    newcomer = Subscriber.objects.create(email="new@example.org", email_hash="h-new")
    Subscription.objects.create(
        subscriber=newcomer,
        mailing_list=audience.lists[0],
        status=Subscription.Status.ACTIVE,
        status_changed_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    page = staff_client.post(url, data).content.decode()
    assert "has already gone to 4 people" in page
    assert '<strong id="recipient-count">1</strong> newly added person' in page


def test_issue_list_shows_publish_and_send_state_with_figures_in_constant_queries(
    staff_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    audience = build_audience(subscribers=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    later = timezone.now() + timedelta(days=2)
    scheduled = build_audience(subscribers=1, published=False)
    services.send_create(
        issue=scheduled.issue, lists=scheduled.lists, by=None, scheduled_for=later, publish=True
    )
    url = reverse("admin:newsletter_issue_changelist")
    staff_client.get(url)  # warm the session and content types
    with django_assert_num_queries(7) as first:
        html = staff_client.get(url).content.decode()
    assert "Sent to 5 people, last on" in html
    assert "Draft: publishes" in html and "Send scheduled for" in html
    assert "Not sent" not in html
    IssueFactory.create_batch(5)
    with django_assert_num_queries(len(first.captured_queries)):
        staff_client.get(url)
    # The issue's own page says the same.
    page = staff_client.get(reverse("admin:newsletter_issue_change", args=[audience.issue.pk]))
    assert "Sent to 5 people, last on" in page.content.decode()


def test_confirmation_page_shows_the_exact_number_of_people_before_anything_is_sent(
    staff_client, mailoutbox
):
    audience = build_audience(subscribers=20, overlap=5, suppressed=2)
    url = reverse("admin:newsletter_send_new", args=[audience.issue.pk])
    data = {"lists": [ml.pk for ml in audience.lists], "when": "now"}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert b'<strong id="recipient-count">18</strong> people' in response.content
    assert not Send.objects.exists()
    assert mailoutbox == []


def test_confirming_starts_the_send_and_shows_its_progress(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    audience = build_audience(subscribers=8, overlap=2)
    url = reverse("admin:newsletter_send_new", args=[audience.issue.pk])
    data = {"lists": [ml.pk for ml in audience.lists], "when": "now", "confirm": "1"}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)

    send = Send.objects.get()
    assert response.status_code == 302 and response.url == send.get_absolute_url()
    assert len(mailoutbox) == 8
    page = staff_client.get(send.get_absolute_url()).content.decode()
    assert '<td data-count="sent">8</td>' in page
    assert "Finished" in page


def test_scheduling_in_the_past_is_refused_next_to_the_field_keeping_the_lists(staff_client):
    audience = build_audience(subscribers=2)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(
        reverse("admin:newsletter_send_new", args=[audience.issue.pk]),
        {"lists": [audience.lists[0].pk], "when": "later", "scheduled_for": past},
    )
    html = response.content.decode()
    assert "Choose a time in the future, or send now." in html
    assert re.search(rf'name="lists" value="{audience.lists[0].pk}"[^>]*checked', html)
    assert not Send.objects.exists()


def test_a_scheduled_send_waits_for_its_time(staff_client):
    audience = build_audience(subscribers=2)
    later = timezone.localtime() + timedelta(days=1)
    staff_client.post(
        reverse("admin:newsletter_send_new", args=[audience.issue.pk]),
        {
            "lists": [audience.lists[0].pk],
            "when": "later",
            "scheduled_for": later.strftime("%Y-%m-%dT%H:%M"),
            "confirm": "1",
        },
    )
    send = Send.objects.get()
    assert send.status == Send.Status.SCHEDULED
    assert send.scheduled_for == later.replace(second=0, microsecond=0)


def test_test_send_goes_only_to_the_typed_addresses_marked_as_a_test(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    issue = IssueFactory(title="December 2023")
    url = reverse("admin:newsletter_send_test", args=[issue.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"addresses": "Editor@Example.org\n\nlead@example.org"})
    assert sorted(m.to[0] for m in mailoutbox) == ["editor@example.org", "lead@example.org"]
    assert all(m.subject.startswith("[Test] ") for m in mailoutbox)
    assert not Delivery.objects.exists()


def test_test_send_with_a_bad_address_says_which_and_sends_nothing(staff_client, mailoutbox):
    issue = IssueFactory()
    response = staff_client.post(
        reverse("admin:newsletter_send_test", args=[issue.pk]),
        {"addresses": "ok@example.org\nSam <sam@example.org>"},
    )
    html = response.content.decode()
    assert "“Sam &lt;sam@example.org&gt;”" in html
    assert "without a name" in html
    assert mailoutbox == []


def test_pause_resume_and_cancel_from_the_send_page(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_PARALLEL = 0
    audience = build_audience(subscribers=3)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)

    staff_client.post(reverse("admin:newsletter_send_pause", args=[send.pk]))
    assert Send.objects.get(pk=send.pk).status == Send.Status.PAUSED
    response = staff_client.post(
        reverse("admin:newsletter_send_pause", args=[send.pk]), follow=True
    )
    assert b"This send is not running, so it cannot be paused." in response.content
    staff_client.post(reverse("admin:newsletter_send_cancel", args=[send.pk]))
    assert Send.objects.get(pk=send.pk).status == Send.Status.CANCELLED
    assert (
        staff_client.get(reverse("admin:newsletter_send_cancel", args=[send.pk])).status_code == 405
    )


def test_send_list_counts_without_a_query_per_send(staff_client, django_assert_max_num_queries):
    for _ in range(5):
        audience = build_audience(subscribers=2)
        services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:newsletter_send_changelist"))
    assert response.status_code == 200


def finished_send(*, sent: int, seconds: int) -> Send:
    """A send that delivered ``sent`` messages evenly over ``seconds`` and finished."""
    audience = build_audience(subscribers=sent)
    send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    services.send_start_due()
    services.send_expand(send_id=send.pk)
    start = timezone.now() - timedelta(hours=1)
    for index, delivery in enumerate(Delivery.objects.filter(send=send).order_by("pk")):
        delivery.state = Delivery.State.SENT
        delivery.sent_at = start + timedelta(seconds=seconds * index / max(sent - 1, 1))
        delivery.save()
    Send.objects.filter(pk=send.pk).update(status=Send.Status.DONE, finished_at=start)
    return send


def test_a_finished_send_says_so_with_its_final_average_the_same_on_every_reload(staff_client):
    send = finished_send(sent=11, seconds=120)
    url = reverse("admin:newsletter_send_change", args=[send.pk])
    first = staff_client.get(url).content.decode()
    assert re.search(r"<h1>“[^”]+” has been sent</h1>", first)
    assert "Sending…" not in first and "Sending “" not in first
    assert "Sent at an average of 6 a minute." in first  # 11 in 2 minutes, rounded
    assert '<progress id="send-progress-bar" max="11" value="11">' in first
    assert "11 of 11 recipients done (100%)" in first
    assert 'http-equiv="refresh"' not in first and "send-progress.js" not in first
    assert staff_client.get(url).content.decode().count("Sent at an average of 6 a minute.") == 1


def test_a_running_send_updates_in_place_and_without_javascript_still_refreshes(staff_client):
    audience = build_audience(subscribers=3)
    send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    html = staff_client.get(reverse("admin:newsletter_send_change", args=[send.pk])).content
    html = html.decode()
    assert re.search(r"<h1>“[^”]+” is scheduled to send</h1>", html)
    assert "send-progress.js" in html
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in html
    assert 'data-running="true"' in html
