"""A refused address whose subscriber is busy when its batch records: real PostgreSQL, a real lock.

The mail server refuses one person for good (550), so the batch suppresses the
address; meanwhile another transaction holds that subscriber's row for longer than a
lock may be waited for. The messages the batch sent must stay recorded as sent, and
the suppression must still happen once the row is free.
"""

import smtplib
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from dscp import dispatch, locking
from newsletter import services
from newsletter.models import Delivery, Send
from subscriptions.models import Subscription
from tests.newsletter.audience import build_audience
from tests.subscriptions.factories import is_suppressed
from tests.support.locks import locked_elsewhere

pytestmark = pytest.mark.django_db(transaction=True)


class RefusingMailServer(EmailBackend):
    """The test mailbox, where addresses starting ``gone-`` do not exist."""

    def send_messages(self, messages):
        for message in messages:
            if any(to.startswith("gone-") for to in message.to):
                raise smtplib.SMTPRecipientsRefused(
                    {to: (550, b"5.1.1 Mailbox does not exist") for to in message.to}
                )
        return super().send_messages(messages)


def received() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_a_refused_address_whose_subscriber_is_busy_undoes_no_record_of_what_was_sent(
    settings, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    settings.NEWSLETTER_SEND_BATCH_SIZE = 10
    settings.NEWSLETTER_SEND_PARALLEL = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailServer"}}
    monkeypatch.setattr(locking, "LOCK_WAIT_SECONDS", 0.5)
    audience = build_audience(subscribers=4, gone=1)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
    [gone] = [p for p in audience.subscribers if p.email in audience.gone]
    # What the batch queues goes to the broker, for a worker to run later.
    queued = []
    monkeypatch.setattr(
        dispatch, "enqueue", lambda name, /, **kwargs: queued.append((name, kwargs))
    )

    errors = []
    with locked_elsewhere(gone):
        try:
            services.send_batch(send_id=send.pk)
        except Exception as error:  # a worker logs a failed task; the send carries on
            errors.append(error)
        assert not is_suppressed(gone.email)

    # The row is free: a worker runs what was queued, then any batch still due once
    # a lease has run out, as the send's chain of batches would.
    for name, kwargs in queued:
        dispatch.task_named(name).delay(**kwargs)
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for _ in range(3):
        if services.send_batch(send_id=send.pk) is None:
            break

    assert received() == Counter(audience.eligible - audience.gone)  # each person once
    states = dict(Delivery.objects.filter(send=send).values_list("subscriber__email", "state"))
    assert states == {
        email: Delivery.State.FAILED if email in audience.gone else Delivery.State.SENT
        for email in audience.eligible
    }
    assert is_suppressed(gone.email)
    assert set(gone.subscriptions.values_list("status", flat=True)) == {Subscription.Status.BOUNCED}
    assert Send.objects.get(pk=send.pk).status == Send.Status.DONE
    assert errors == []
