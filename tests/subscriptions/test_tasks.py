from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from dscp.celery import app
from subscriptions import tasks
from subscriptions.models import ConsentRecord, Subscriber, Subscription
from tests.subscriptions.factories import SubscriptionFactory, is_suppressed
from tests.support.mail import check_retried_then_given_up

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_names_the_purge_task():
    name = settings.CELERY_BEAT_SCHEDULE["purge-unconfirmed-subscriptions"]["task"]
    assert name == "subscriptions.tasks.subscription_purge_unconfirmed"
    assert name in app.tasks


def test_the_purge_task_deletes_week_old_sign_ups_and_is_safe_to_run_twice(newsletter):
    SubscriptionFactory(
        mailing_list=newsletter,
        status=Subscription.Status.PENDING,
        status_changed_at=timezone.now() - timedelta(days=8),
    )
    tasks.subscription_purge_unconfirmed.delay()
    tasks.subscription_purge_unconfirmed.delay()
    assert not Subscriber.objects.exists()


def test_email_tasks_for_someone_erased_since_do_nothing(mailoutbox):
    tasks.subscriber_send_confirmation.delay(123456, [1])
    tasks.subscriber_send_already_subscribed.delay(123456)
    assert not mailoutbox


def test_a_subscription_email_is_tried_again_while_the_relay_is_busy_then_given_up(
    monkeypatch, mailoutbox, newsletter
):
    subscriber = SubscriptionFactory(mailing_list=newsletter).subscriber
    check_retried_then_given_up(
        monkeypatch,
        mailoutbox,
        lambda: tasks.subscriber_send_welcome.delay(subscriber_id=subscriber.pk),
    )


def test_the_queued_suppression_of_a_refused_address_ends_its_subscriptions_once(newsletter):
    subscriber = SubscriptionFactory(mailing_list=newsletter).subscriber
    for _ in range(2):  # a replayed task adds nothing
        tasks.suppression_add.delay(
            email=subscriber.email, reason="bounced", recorded_by="Newsletter send 1: 550"
        )
    assert is_suppressed(subscriber.email)
    assert list(subscriber.subscriptions.values_list("status", flat=True)) == ["bounced"]
    assert subscriber.consent_records.filter(action=ConsentRecord.Action.BOUNCED).count() == 1
