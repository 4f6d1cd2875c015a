"""A mail relay that is busy for a while, for tests of how mail tasks try again."""

import smtplib

import pytest
from django.core.mail.backends import locmem

from dscp.dispatch import MAIL_RETRIES


def busy_reply() -> smtplib.SMTPResponseException:
    return smtplib.SMTPResponseException(451, b"4.3.0 Mailbox busy, try again later")


class FailingRelay:
    """The test mail backend, made to raise ``error`` for its first ``failures`` sends;
    ``attempts`` counts every send tried."""

    def __init__(self, monkeypatch, *, failures: int, error: Exception | None = None):
        self.attempts = 0
        error = error or busy_reply()
        deliver = locmem.EmailBackend.send_messages

        def send_messages(backend, messages):
            self.attempts += 1
            if self.attempts <= failures:
                raise error
            return deliver(backend, messages)

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)


def check_retried_then_given_up(monkeypatch, mailoutbox, run_task) -> None:
    """``run_task()`` runs a mail task that sends one email: after two busy replies it
    goes out on the third try; a relay busy for good is tried ``MAIL_RETRIES`` more
    times, then the task fails with the relay's reply."""
    relay = FailingRelay(monkeypatch, failures=2)
    run_task()
    assert relay.attempts == 3
    assert len(mailoutbox) == 1

    relay = FailingRelay(monkeypatch, failures=1000)
    with pytest.raises(smtplib.SMTPResponseException) as failed:
        run_task()
    assert failed.value.smtp_code == 451
    assert relay.attempts == 1 + MAIL_RETRIES
    assert len(mailoutbox) == 1
