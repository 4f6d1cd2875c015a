"""Fault tests for sending: real Celery worker and beat processes, a real SMTP sink, PostgreSQL.

Each test builds subscribers, schedules a send for now and lets beat start it,
exactly as production does; then it breaks something and checks who got what.
"""

import signal
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone

from newsletter import selectors, services
from newsletter.models import Delivery, Send
from subscriptions.selectors import subscriber_links
from tests.newsletter.audience import build_audience
from tests.subscriptions.factories import is_suppressed
from tests.support.delivery import FAST_RECOVERY
from tests.support.processes import free_port, start_redis, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

IN_FLIGHT_BOUND = (
    int(FAST_RECOVERY["NEWSLETTER_SEND_BATCH_SIZE"]) * 2
)  # batch size x worker concurrency


def start_send(audience) -> Send:
    return services.send_create(
        issue=audience.issue, lists=audience.lists, by=None, scheduled_for=timezone.now()
    )


def wait_for_finish(stack, send: Send, *, timeout: float = 180, broker_down: bool = False) -> Send:
    def finished():
        # With the broker gone, a batch fails to queue its successor and a worker
        # may exit; both are expected, and a supervisor restarts the worker.
        if broker_down:
            stack.replace_exited_workers()
        else:
            assert not stack.task_errors(), stack.task_errors()
        return Send.objects.get(pk=send.pk).status == Send.Status.DONE

    wait_until(
        finished,
        timeout=timeout,
        interval=0.25,
        what=f"send {send.pk} to finish",
    )
    return Send.objects.get(pk=send.pk)


def counts_by_recipient(stack) -> Counter:
    return Counter(entry["rcpt"] for entry in stack.received())


def test_each_eligible_subscriber_receives_the_issue_exactly_once_with_correct_headers(
    delivery_stack,
):
    audience = build_audience(subscribers=2000, overlap=300, suppressed=40, unsubscribed=25)
    delivery_stack.start_sink()
    delivery_stack.start_worker()
    delivery_stack.start_beat()

    send = wait_for_finish(delivery_stack, start_send(audience))

    received = counts_by_recipient(delivery_stack)
    assert set(received) == audience.eligible
    assert set(received.values()) == {1}
    assert not set(received) & (audience.suppressed | audience.unsubscribed)
    progress = selectors.send_progress(send=send)
    assert (progress.sent, progress.failed, progress.pending) == (len(audience.eligible), 0, 0)

    entries = delivery_stack.received()
    message_ids = {entry["headers"]["Message-ID"] for entry in entries}
    assert len(message_ids) == len(entries)
    # A batch goes over one SMTP connection, not one connection per message.
    connections = {entry["connection"] for entry in entries}
    assert len(connections) < len(entries) / 10
    sample = entries[0]["headers"]
    assert sample["From"] == "DSCP <newsletter@portal.example.org>"
    assert sample["Reply-To"] == "DSCPSecure@durham.gov.uk"
    assert sample["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click, mailto = sample["List-Unsubscribe"].split(", ")
    assert one_click.startswith("<https://portal.example.org/unsubscribe/")
    assert mailto == "<mailto:DSCPSecure@durham.gov.uk?subject=unsubscribe>"
    assert sample["List-Id"].endswith("<newsletter.portal.example.org>")
    assert entries[0]["parts"] == ["text/html", "text/plain"]


@pytest.mark.parametrize(
    ("stop_with", "allowed_duplicates"),
    [
        # A hard kill (the whole process group, like a machine dying) may repeat
        # only the batches that were on the wire.
        (signal.SIGKILL, IN_FLIGHT_BOUND),
        # A graceful stop lets the running batches finish and record.
        (signal.SIGTERM, 0),
    ],
    ids=["sigkill-repeats-at-most-the-batches-in-flight", "sigterm-repeats-none"],
)
def test_a_worker_stopped_mid_send_loses_no_one(delivery_stack, stop_with, allowed_duplicates):
    audience = build_audience(subscribers=2000, overlap=200, suppressed=20)
    delivery_stack.start_sink()
    worker = delivery_stack.start_worker()
    delivery_stack.start_beat()
    send = start_send(audience)

    wait_until(lambda: len(delivery_stack.received()) >= 400, timeout=120, what="400 messages")
    worker.stop(stop_with)
    delivery_stack.start_worker()
    wait_for_finish(delivery_stack, send)

    received = counts_by_recipient(delivery_stack)
    assert set(received) == audience.eligible
    assert sum(n - 1 for n in received.values()) <= allowed_duplicates


def test_busy_mailboxes_are_retried_and_refusing_ones_are_failed_and_suppressed(
    delivery_stack, admin_client
):
    audience = build_audience(subscribers=300, busy=10, gone=5)
    delivery_stack.start_sink(tempfail=[("busy-", 2)], reject=["gone-"])
    delivery_stack.start_worker()
    delivery_stack.start_beat()

    send = wait_for_finish(delivery_stack, start_send(audience))

    received = counts_by_recipient(delivery_stack)
    assert set(received) == audience.eligible - audience.gone
    assert set(received.values()) == {1}
    busy = Delivery.objects.filter(send=send, subscriber__email__startswith="busy-")
    assert {d.attempts for d in busy} == {3}
    gone = Delivery.objects.filter(send=send, state=Delivery.State.FAILED).select_related(
        "subscriber"
    )
    assert {d.subscriber.email for d in gone} == audience.gone
    assert all(d.last_error.startswith("550") for d in gone)
    assert all(is_suppressed(email) for email in audience.gone)

    page = admin_client.get(send.get_absolute_url()).content.decode()
    for email in audience.gone:
        assert email in page
    assert "550 5.1.1 Mailbox does not exist" in page


def test_send_completes_when_the_broker_restarts_mid_send(delivery_stack):
    port = free_port()
    broker_log = delivery_stack.tmp / "redis.log"
    delivery_stack.broker = f"redis://127.0.0.1:{port}/0"
    broker = start_redis(port, log=broker_log)
    audience = build_audience(subscribers=2000, overlap=100)
    delivery_stack.start_sink()
    delivery_stack.start_worker()
    delivery_stack.start_beat()
    send = start_send(audience)

    wait_until(lambda: len(delivery_stack.received()) >= 300, timeout=120, what="300 messages")
    broker.stop(signal.SIGKILL)
    # Restart the broker only once a worker has seen it gone (so in-flight batches
    # failed to queue their successors), or has exited on losing it.
    wait_until(
        lambda: delivery_stack.saw_broker_lost(), timeout=60, what="a worker to lose the broker"
    )
    broker = start_redis(port, log=broker_log)
    delivery_stack.services.append(broker)
    wait_for_finish(delivery_stack, send, broker_down=True)

    received = counts_by_recipient(delivery_stack)
    assert set(received) == audience.eligible
    assert set(received.values()) == {1}


def test_one_click_unsubscribe_during_a_send_stops_mail_at_once(delivery_stack, client):
    audience = build_audience(subscribers=2000)
    delivery_stack.start_sink()
    delivery_stack.start_worker()
    delivery_stack.start_beat()
    send = start_send(audience)

    wait_until(lambda: len(delivery_stack.received()) >= 100, timeout=120, what="100 messages")
    # Whoever is still waiting for the issue leaves. Holding their delivery's row while
    # they click makes the workers' claim (SKIP LOCKED) pass them by until the
    # unsubscribe commits, whatever order the workers claim in.
    with transaction.atomic():
        waiting = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(send=send, state=Delivery.State.PENDING)
            .select_related("subscriber")
            .first()
        )
        assert waiting is not None, "the send finished before anyone could leave"
        leaver = waiting.subscriber
        one_click = subscriber_links(subscriber=leaver)["one_click_url"]
        response = client.post(
            urlsplit(one_click).path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        clicked_at = timezone.now().timestamp()
    wait_for_finish(delivery_stack, send)

    to_leaver = [e for e in delivery_stack.received() if e["rcpt"] == leaver.email]
    assert all(e["at"] < clicked_at for e in to_leaver)
    assert Delivery.objects.get(send=send, subscriber=leaver).state == Delivery.State.SKIPPED
