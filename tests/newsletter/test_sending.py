"""The sending rules, run in-process with Celery eager and the test mailbox.

The fault tests (test_sending_faults.py) run the same code in real worker processes.
"""

import email.policy
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dscp import locking
from newsletter import selectors, services
from newsletter.errors import NewsletterError
from newsletter.models import Delivery, Send
from newsletter.services import batches, expansion
from subscriptions.models import Subscriber
from subscriptions.services import subscriber_unsubscribe
from tests.factories import StaffFactory
from tests.newsletter.audience import build_audience
from tests.newsletter.factories import IssueFactory
from tests.support.locks import locked_elsewhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Create a send and run everything it queues, as eager Celery does in make run."""

    def run(audience, **kwargs) -> Send:
        with django_capture_on_commit_callbacks(execute=True):
            send = services.send_create(
                issue=audience.issue, lists=audience.lists, by=None, **kwargs
            )
        return Send.objects.get(pk=send.pk)

    return run


def recipients(mailoutbox) -> list[str]:
    return [address for message in mailoutbox for address in message.to]


def test_recipient_count_leaves_out_duplicates_suppressed_and_unsubscribed_people():
    audience = build_audience(subscribers=30, overlap=5, suppressed=3, unsubscribed=2)
    count = selectors.send_recipient_count(issue=audience.issue, lists=audience.lists)
    assert count == len(audience.eligible) == 25


def test_each_eligible_person_gets_one_personalised_message_with_unsubscribe_headers(
    send_now, mailoutbox, settings
):
    settings.SITE_URL = "https://portal.example.org"
    audience = build_audience(subscribers=12, overlap=4, suppressed=1, unsubscribed=1)

    send = send_now(audience)

    assert send.status == Send.Status.DONE
    assert sorted(recipients(mailoutbox)) == sorted(audience.eligible)
    message = mailoutbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://portal.example.org/unsubscribe/"
    )
    assert "%%DSCP" not in message.body
    assert "https://portal.example.org/unsubscribe/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    ids = {m.extra_headers["Message-ID"] for m in mailoutbox}
    assert len(ids) == len(mailoutbox)
    assert Delivery.objects.filter(send=send, state=Delivery.State.SENT).count() == len(
        audience.eligible
    )


def test_sending_an_issue_again_reaches_only_people_who_did_not_get_it(send_now, mailoutbox):
    audience = build_audience(subscribers=6)
    send_now(audience)
    first = set(recipients(mailoutbox))
    newcomer = build_audience(subscribers=1).subscribers[0]
    newcomer.subscriptions.update(mailing_list=audience.lists[0])
    mailoutbox.clear()

    send_now(audience)

    assert recipients(mailoutbox) == [newcomer.email]
    assert newcomer.email not in first


def test_a_person_who_unsubscribes_after_the_send_began_is_skipped(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_PARALLEL = 0  # expand only; the test runs the batches
    audience = build_audience(subscribers=5)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    leaver = audience.subscribers[-1]
    subscriber_unsubscribe(subscriber=leaver, method="one_click")

    while services.send_batch(send_id=send.pk) is not None:
        pass

    assert leaver.email not in recipients(mailoutbox)
    assert len(mailoutbox) == 4
    assert Delivery.objects.get(send=send, subscriber=leaver).state == Delivery.State.SKIPPED


def test_a_batch_that_died_before_recording_is_taken_over_after_its_lease(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_PARALLEL = 0
    audience = build_audience(subscribers=4)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    # A worker claims everything, then dies without sending or recording.
    Delivery.objects.filter(send=send).update(
        state=Delivery.State.SENDING, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.send_batch(send_id=send.pk) is not None  # still leased: nothing to take
    assert mailoutbox == []

    Delivery.objects.filter(send=send).update(lease_until=timezone.now() - timedelta(seconds=1))
    while services.send_batch(send_id=send.pk) is not None:
        pass

    assert sorted(recipients(mailoutbox)) == sorted(audience.eligible)
    assert Send.objects.get(pk=send.pk).status == Send.Status.DONE


def test_queries_per_batch_do_not_grow_with_the_batch_size(
    settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_PARALLEL = 0

    def queries_for_one_batch(size: int) -> int:
        settings.NEWSLETTER_SEND_BATCH_SIZE = size
        audience = build_audience(subscribers=size * 2)
        with django_capture_on_commit_callbacks(execute=True):
            send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
        with CaptureQueriesContext(connection) as captured:
            services.send_batch(send_id=send.pk)
        assert Delivery.objects.filter(send=send, state=Delivery.State.SENT).count() == size
        return len(captured)

    assert queries_for_one_batch(10) == queries_for_one_batch(60)


def test_pausing_stops_new_batches_and_resuming_finishes_the_send(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_BATCH_SIZE = 2
    settings.NEWSLETTER_SEND_PARALLEL = 0
    audience = build_audience(subscribers=6)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    services.send_batch(send_id=send.pk)
    services.send_pause(send=send)

    assert services.send_batch(send_id=send.pk) is None
    assert len(mailoutbox) == 2

    settings.NEWSLETTER_SEND_PARALLEL = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.send_resume(send=Send.objects.get(pk=send.pk))
    assert sorted(recipients(mailoutbox)) == sorted(audience.eligible)
    assert Send.objects.get(pk=send.pk).status == Send.Status.DONE


def test_cancelling_leaves_unsent_people_for_a_later_send(
    settings, mailoutbox, django_capture_on_commit_callbacks, send_now
):
    settings.NEWSLETTER_SEND_PARALLEL = 0
    audience = build_audience(subscribers=5)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)

    assert services.send_cancel(send=send) == 5
    with pytest.raises(NewsletterError, match="already finished or been cancelled"):
        services.send_cancel(send=send)

    settings.NEWSLETTER_SEND_PARALLEL = 2
    send_now(audience)
    assert sorted(recipients(mailoutbox)) == sorted(audience.eligible)


def test_a_scheduled_send_starts_once_when_its_time_comes(
    django_capture_on_commit_callbacks, mailoutbox
):
    audience = build_audience(subscribers=3)
    later = timezone.now() + timedelta(hours=1)
    send = services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=later
    )

    assert services.send_start_due() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_start_due(now=later) == [send.pk]
    assert services.send_start_due(now=later) == []
    assert len(mailoutbox) == 3


def test_publish_and_send_now_publishes_the_draft_then_mails_it(send_now, mailoutbox):
    audience = build_audience(subscribers=4, published=False)
    send = send_now(audience, publish=True)
    audience.issue.refresh_from_db()
    assert audience.issue.is_published
    assert send.publish_issue and send.status == Send.Status.DONE
    assert len(mailoutbox) == 4


def test_a_scheduled_publish_and_send_keeps_the_draft_hidden_until_its_time(
    django_capture_on_commit_callbacks, mailoutbox
):
    audience = build_audience(subscribers=2, published=False)
    later = timezone.now() + timedelta(hours=1)
    services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=later, publish=True
    )
    services.send_start_due()
    audience.issue.refresh_from_db()
    assert not audience.issue.is_published and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.send_start_due(now=later)
    audience.issue.refresh_from_db()
    assert audience.issue.is_published
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_publish_and_send_whose_issue_is_busy_starts_on_the_next_tick(
    django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    # Staff saving the issue as its time comes is nothing to fix: the send is not
    # paused for someone to resume, it starts once the issue is free.
    monkeypatch.setattr(locking, "LOCK_WAIT_SECONDS", 0.5)
    audience = build_audience(subscribers=2, published=False)
    later = timezone.now() + timedelta(hours=1)
    send = services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=later, publish=True
    )
    with locked_elsewhere(audience.issue):
        assert services.send_start_due(now=later) == []
    send.refresh_from_db(), audience.issue.refresh_from_db()
    assert send.status == Send.Status.SCHEDULED and not audience.issue.publish_held
    assert not audience.issue.is_published and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_start_due(now=later) == [send.pk]
    send.refresh_from_db(), audience.issue.refresh_from_db()
    assert audience.issue.is_published and send.status == Send.Status.DONE
    assert len(mailoutbox) == 2


def test_publish_and_send_of_an_empty_draft_is_refused():
    audience = build_audience(subscribers=1, published=False)
    audience.issue.articles.all().delete()
    with pytest.raises(NewsletterError, match="Add at least one article"):
        services.send_create(issue=audience.issue, lists=audience.lists, by=None, publish=True)


def test_publish_and_send_now_is_refused_while_the_accessibility_check_finds_problems(mailoutbox):
    audience = build_audience(subscribers=1, published=False)
    audience.issue.articles.update(body='<p><a href="https://example.org">click here</a></p>')
    with pytest.raises(NewsletterError) as caught:
        services.send_create(issue=audience.issue, lists=audience.lists, by=None, publish=True)
    assert caught.value.code == "publish_inaccessible"
    assert not Send.objects.exists() and mailoutbox == []


def test_a_scheduled_publish_and_send_with_problems_is_held_paused_and_the_staff_home_says_why(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    audience = build_audience(subscribers=2, published=False)
    audience.issue.articles.update(body='<p><img src="/media/newsletter/images/a.png"></p>')
    later = timezone.now() + timedelta(hours=1)
    send = services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=later, publish=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_start_due(now=later) == []
    send.refresh_from_db(), audience.issue.refresh_from_db()
    assert send.status == Send.Status.PAUSED and mailoutbox == []
    assert not audience.issue.is_published
    # Each article's image has no alternative text, and no uploaded file behind it.
    problems = 2 * audience.issue.articles.count()
    assert f"fix the {problems} accessibility problems" in audience.issue.publish_held

    client.force_login(StaffFactory())
    home = client.get(reverse("admin:index")).content.decode()
    assert f"Draft. Not published: fix the {problems} accessibility problems" in home
    issue_page = reverse("admin:newsletter_issue_change", args=[audience.issue.pk])
    assert f"{issue_page}#accessibility-check" in home


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issue": "draft"}, "Publish the issue before sending it"),
        ({"lists": []}, "Choose at least one mailing list"),
        ({"scheduled_for": timezone.now() - timedelta(hours=2)}, "Choose a time in the future"),
    ],
)
def test_a_send_that_cannot_happen_is_refused_with_a_reason(change, message):
    audience = build_audience(subscribers=1)
    kwargs = {"issue": audience.issue, "lists": audience.lists, "by": None}
    if change.get("issue") == "draft":
        kwargs["issue"] = IssueFactory()
    kwargs.update({k: v for k, v in change.items() if k != "issue"})
    with pytest.raises(NewsletterError, match=message):
        services.send_create(**kwargs)
    assert not Send.objects.exists()


def test_an_erased_subscriber_leaves_the_delivery_counts_but_not_the_person(send_now):
    from subscriptions.services import subscriber_erase

    audience = build_audience(subscribers=2)
    send = send_now(audience)
    subscriber_erase(subscriber=Subscriber.objects.get(pk=audience.subscribers[0].pk))

    progress = selectors.send_progress(send=send)
    assert progress.sent == 2
    assert Delivery.objects.filter(send=send, subscriber__isnull=True).count() == 1


def test_rate_limit_holds_sending_until_the_next_minute_across_workers(settings, monkeypatch):
    """The limit is counted in the shared cache, so every worker process keeps to it together."""
    settings.NEWSLETTER_SEND_RATE_PER_MINUTE = 3
    clock = {"now": 1_800_000_000.0}  # the start of a minute
    waits = []

    def sleep(seconds):
        waits.append(round(seconds))
        clock["now"] += seconds

    monkeypatch.setattr(batches.time, "time", lambda: clock["now"])
    monkeypatch.setattr(batches.time, "sleep", sleep)

    for _ in range(7):
        batches.rate_limit_wait()

    assert waits == [60, 60]  # messages 4 and 7 waited for a new minute


def test_a_send_cancelled_while_finding_recipients_stops_adding_them(monkeypatch):
    monkeypatch.setattr(expansion, "EXPAND_CHUNK", 2)
    audience = build_audience(subscribers=6)
    send = services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=timezone.now()
    )
    services.send_start_due()  # queues the expansion, which is run by hand below
    list_ids = [ml.pk for ml in audience.lists]
    assert expansion.send_expand_chunk(send=send, list_ids=list_ids)  # first 2 people added

    services.send_cancel(send=send)

    assert not expansion.send_expand_chunk(send=send, list_ids=list_ids)
    assert not Delivery.objects.filter(send=send).exists()


def test_list_unsubscribe_reaches_the_wire_as_plain_urls_not_encoded_words(
    send_now, mailoutbox, settings
):
    """Mail providers read List-Unsubscribe literally; a folded, encoded URL breaks one-click."""
    settings.SITE_URL = "https://portal.durham-scp.org.uk"
    send_now(build_audience(subscribers=1))

    wire = mailoutbox[0].message(policy=email.policy.SMTP).as_bytes().decode()
    header = next(line for line in wire.splitlines() if line.startswith("List-Unsubscribe:"))
    assert header.startswith("List-Unsubscribe: <https://portal.durham-scp.org.uk/unsubscribe/")
    assert header.endswith(", <mailto:DSCPSecure@durham.gov.uk?subject=unsubscribe>")
    assert "=?utf-8?" not in wire.split("\r\n\r\n", 1)[0]
