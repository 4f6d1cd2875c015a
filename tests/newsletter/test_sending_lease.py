"""A batch slower than its lease: real threads, real PostgreSQL, a clock that moves only with the mail.

Every message takes a third of the lease (a slow machine or a slow mail server), so
a batch of three outlasts the lease it claimed with. The first batch runs in a thread
and waits, in the send during which its claimed lease runs out, while a second batch
claims; then it carries on. Nothing waits on the real clock.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Send
from tests.newsletter.audience import build_audience

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 30


class Stage:
    """The time every batch reads, and the first batch's pause once its claimed lease is over."""

    def __init__(self, *, message_takes: float):
        self.now = timezone.now()
        self.message_takes = timedelta(seconds=message_takes)
        self.first_lease_ends = self.now + timedelta(seconds=LEASE)
        self.first_batch = None
        self.lapsed = threading.Event()
        self.second_batch_done = threading.Event()

    def clock(self):
        return self.now


class SlowMailServer(EmailBackend):
    """The test mailbox, where each message takes ``message_takes`` on the stage's clock."""

    stage: Stage

    def send_messages(self, messages):
        stage = self.stage
        stage.now += stage.message_takes
        first_lapses = threading.current_thread() is stage.first_batch and not stage.lapsed.is_set()
        if first_lapses and stage.now > stage.first_lease_ends:
            stage.lapsed.set()
            assert stage.second_batch_done.wait(timeout=120)
        return super().send_messages(messages)


@pytest.fixture
def slow_send(settings, monkeypatch, django_capture_on_commit_callbacks):
    """A send of three people, one batch of three, each message taking ``message_takes``."""
    settings.NEWSLETTER_SEND_LEASE_SECONDS = LEASE
    settings.NEWSLETTER_SEND_BATCH_SIZE = 3
    settings.NEWSLETTER_SEND_PARALLEL = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowMailServer"}}

    def start(*, message_takes: float) -> tuple[Send, Stage]:
        audience = build_audience(subscribers=3)
        with django_capture_on_commit_callbacks(execute=True):
            send = services.send_create(issue=audience.issue, lists=audience.lists, by=None)
        stage = Stage(message_takes=message_takes)
        monkeypatch.setattr(SlowMailServer, "stage", stage, raising=False)
        monkeypatch.setattr(timezone, "now", stage.clock)
        return send, stage

    return start


def first_batch_meets_a_second(send: Send, stage: Stage) -> None:
    """Run a batch in a thread; when its claimed lease is over, run another batch, then let it finish."""
    errors = []

    def first():
        try:
            services.send_batch(send_id=send.pk)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
            stage.lapsed.set()
        finally:
            connections.close_all()

    stage.first_batch = threading.Thread(target=first)
    stage.first_batch.start()
    assert stage.lapsed.wait(timeout=120)
    try:
        while services.send_batch(send_id=send.pk) == 0:
            pass
    finally:
        stage.second_batch_done.set()
        stage.first_batch.join(timeout=120)
    assert errors == []


def received() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_a_batch_slower_than_its_lease_keeps_its_deliveries(slow_send, mailoutbox):
    send, stage = slow_send(message_takes=LEASE * 0.4)

    first_batch_meets_a_second(send, stage)

    people = Delivery.objects.filter(send=send).values_list("subscriber__email", flat=True)
    assert received() == Counter(people)  # each person once
    assert set(Delivery.objects.filter(send=send).values_list("state", flat=True)) == {"sent"}


def test_a_batch_frozen_past_its_lease_sends_nothing_more_once_taken_over(slow_send, mailoutbox):
    """A worker stopped mid-message (a frozen machine) can repeat only the message on the wire."""
    send, stage = slow_send(message_takes=LEASE * 1.5)

    first_batch_meets_a_second(send, stage)

    first, *others = Delivery.objects.filter(send=send).values_list("subscriber__email", flat=True)
    assert received() == Counter({first: 2, **dict.fromkeys(others, 1)})
    assert set(Delivery.objects.filter(send=send).values_list("state", flat=True)) == {"sent"}
