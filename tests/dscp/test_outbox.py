"""Mail tasks are kept in PostgreSQL until they have run, so none is lost with the broker's
queue and no copy of one sends twice (dscp/outbox.py)."""

import smtplib
from datetime import timedelta

import pytest
import redis
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from dscp import dispatch, outbox
from dscp.celery import app as celery_app
from dscp.models import QueuedTask
from tests.support.mail import FailingRelay
from tests.support.processes import wait_until

UNSUBSCRIBE_LINK = "subscriptions.tasks.subscriber_send_unsubscribe_link"
TO = "nobody@example.org"


def time_passes() -> None:
    """Every kept task's time to have run has gone by."""
    QueuedTask.objects.update(due_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_a_mail_task_the_broker_could_not_take_is_sent_once_by_the_requeue(monkeypatch, mailoutbox):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(dispatch.task_named(UNSUBSCRIBE_LINK), "apply_async", broker_down)
    # The request that asked for the email succeeds: what it did is committed.
    with transaction.atomic():
        dispatch.enqueue(UNSUBSCRIBE_LINK, email=TO)
    assert mailoutbox == []
    assert QueuedTask.objects.count() == 1
    monkeypatch.undo()

    assert dispatch.tasks_requeue_due() == 0  # not lost yet: it may still be on its way
    time_passes()
    assert dispatch.tasks_requeue_due() == 1
    assert [message.to for message in mailoutbox] == [[TO]]
    assert not QueuedTask.objects.exists()
    time_passes()
    assert dispatch.tasks_requeue_due() == 0


@pytest.mark.django_db
def test_a_copy_of_a_mail_task_that_has_run_or_is_running_sends_nothing(mailoutbox):
    task = dispatch.task_named(UNSUBSCRIBE_LINK)
    row = outbox.task_add(name=UNSUBSCRIBE_LINK, kwargs={"email": TO})
    # Another copy holds it (Redis redelivered the message while it was running).
    assert outbox.task_claim(pk=row.pk)
    task.apply(kwargs={"email": TO, dispatch.QUEUED_TASK: row.pk})
    assert mailoutbox == []

    # That copy died mid-run; once its hold runs out, the next copy sends.
    QueuedTask.objects.filter(pk=row.pk).update(claimed_until=timezone.now())
    task.apply(kwargs={"email": TO, dispatch.QUEUED_TASK: row.pk})
    assert len(mailoutbox) == 1
    assert not QueuedTask.objects.exists()

    # A copy that comes after it has run (beat queued it again meanwhile) sends nothing.
    task.apply(kwargs={"email": TO, dispatch.QUEUED_TASK: row.pk})
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_mail_task_tried_again_keeps_its_row_until_it_is_sent(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    postponed = []
    postpone = outbox.task_postpone

    def watched(*, pk, seconds):
        postpone(pk=pk, seconds=seconds)
        postponed.append(QueuedTask.objects.get(pk=pk))

    monkeypatch.setattr(outbox, "task_postpone", watched)
    relay = FailingRelay(monkeypatch, failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.enqueue(UNSUBSCRIBE_LINK, email=TO)

    assert relay.attempts == 2
    assert len(mailoutbox) == 1
    [row] = postponed
    # Free for the retry to claim, and not counted lost before the retry is due.
    assert row.claimed_until is None
    assert row.due_at > timezone.now() + timedelta(seconds=dispatch.mail_retry_delay(0))
    assert not QueuedTask.objects.exists()


@pytest.mark.django_db
def test_a_mail_task_that_fails_for_good_leaves_no_row(monkeypatch, mailoutbox):
    refused = smtplib.SMTPRecipientsRefused({TO: (550, b"No such mailbox")})
    FailingRelay(monkeypatch, failures=1, error=refused)
    with pytest.raises(smtplib.SMTPRecipientsRefused), transaction.atomic():
        row = outbox.task_add(name=UNSUBSCRIBE_LINK, kwargs={"email": TO})
        dispatch.task_named(UNSUBSCRIBE_LINK).apply(
            kwargs={"email": TO, dispatch.QUEUED_TASK: row.pk}, throw=True
        )
    assert not QueuedTask.objects.exists()


def test_a_mail_task_lost_with_the_brokers_queue_is_sent_once_by_beat(delivery_stack, settings):
    """A broker restart (no persistence) empties its queue; beat queues the task again."""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2}
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        delivery_stack.start_sink()
        with transaction.atomic():
            dispatch.enqueue(UNSUBSCRIBE_LINK, email=TO)
        broker = redis.Redis.from_url(delivery_stack.broker)
        assert broker.llen("celery") == 1
        broker.flushdb()  # what a restart of a Redis without persistence leaves
        delivery_stack.start_worker(CELERY_VISIBILITY_TIMEOUT="2")
        delivery_stack.start_beat(CELERY_VISIBILITY_TIMEOUT="2")

        [message] = wait_until(delivery_stack.received, timeout=90, what="the requeued email")
        assert message["rcpt"] == TO
        wait_until(lambda: not QueuedTask.objects.exists(), timeout=30, what="the row to go")
        assert len(delivery_stack.received()) == 1
        assert delivery_stack.task_errors() == []
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.mark.django_db
def test_a_mail_task_that_meets_a_restarting_database_is_tried_again(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """PostgreSQL stopped mid-task (the soak's pg_ctl -m immediate) is a transient failure."""
    lost = DatabaseOperationalError("server closed the connection unexpectedly")
    relay = FailingRelay(monkeypatch, failures=1, error=lost)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.enqueue(UNSUBSCRIBE_LINK, email=TO)
    assert relay.attempts == 2
    assert [message.to for message in mailoutbox] == [[TO]]
    assert not QueuedTask.objects.exists()
