"""Services queue tasks by name, after commit: in-process when eager, on a real worker otherwise."""

import smtplib

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from dscp import dispatch
from dscp.celery import app as celery_app
from tests.support.mail import FailingRelay
from tests.support.processes import wait_until
from training.errors import BookingError

UNSUBSCRIBE_LINK = "subscriptions.tasks.subscriber_send_unsubscribe_link"


@pytest.mark.django_db
def test_a_task_queued_in_a_transaction_runs_only_once_it_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.enqueue(UNSUBSCRIBE_LINK, email="nobody@example.org")
        assert mailoutbox == []
    assert [message.to for message in mailoutbox] == [["nobody@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        dispatch.enqueue(UNSUBSCRIBE_LINK, email="nobody@example.org")
        raise RuntimeError("the request failed")
    assert mailoutbox == []


def test_a_misspelt_task_name_fails_in_the_service_not_silently_after_commit():
    with pytest.raises(KeyError):
        dispatch.task_named("subscriptions.tasks.subscriber_send_unsubscribe_lnk")


@pytest.fixture
def real_worker(delivery_stack):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    delivery_stack.start_sink()
    delivery_stack.start_worker(concurrency=1)
    yield delivery_stack
    celery_app.conf.task_always_eager = eager


def test_a_real_worker_runs_a_task_queued_by_name(real_worker):
    with transaction.atomic():
        dispatch.enqueue(UNSUBSCRIBE_LINK, email="nobody@example.org")
    [message] = wait_until(real_worker.received, timeout=60, what="the worker's email")
    assert message["rcpt"] == "nobody@example.org"
    assert real_worker.task_errors() == []


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPResponseException(451, b"Mailbox busy"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"Too many")}), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (BookingError("busy"), True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (InterfaceError("connection already closed"), True),
        (IntegrityError("duplicate key value violates unique constraint"), False),
        (smtplib.SMTPResponseException(550, b"No such mailbox"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such mailbox")}), False),
        (BookingError("already_cancelled"), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_failures_that_may_clear_are_tried_again(error, transient):
    assert dispatch.is_transient(error) is transient


def test_mail_task_waits_double_and_are_bounded():
    waits = [dispatch.mail_retry_delay(n) for n in range(dispatch.MAIL_RETRIES)]
    assert waits == [30, 60, 120, 240, 480]


@pytest.mark.django_db
def test_a_refused_address_is_not_tried_again(monkeypatch, mailoutbox):
    refused = smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"No such mailbox")})
    relay = FailingRelay(monkeypatch, failures=1, error=refused)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        dispatch.task_named(UNSUBSCRIBE_LINK).delay(email="nobody@example.org")
    assert relay.attempts == 1
    assert mailoutbox == []
