import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from subscriptions.models import ConsentRecord, Subscriber, Subscription
from tests.subscriptions.factories import (
    ConsentRecordFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_the_same_address_in_another_case_cannot_be_stored_twice():
    SubscriberFactory(email="sam@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="sam@example.org", email_hash="x" * 64)


def test_an_address_that_skipped_normalising_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="Sam@Example.org", email_hash="y" * 64)


def test_one_subscription_per_subscriber_per_list(newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionFactory(subscriber=subscription.subscriber, mailing_list=newsletter)


def test_an_active_subscription_must_have_been_confirmed(newsletter):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            subscriber=SubscriberFactory(),
            mailing_list=newsletter,
            status=Subscription.Status.ACTIVE,
            status_changed_at=timezone.now(),
        )


def test_consent_records_cannot_be_changed_even_by_a_raw_update(newsletter):
    record = ConsentRecordFactory(mailing_list=newsletter)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(method=ConsentRecord.Method.IMPORT)
    record.refresh_from_db()
    assert record.method == ConsentRecord.Method.WEB_FORM


def test_consent_records_go_with_their_subscriber_when_erased(newsletter):
    record = ConsentRecordFactory(mailing_list=newsletter)
    record.subscriber.delete()
    assert not ConsentRecord.objects.exists()


def test_models_describe_themselves(newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, subscriber__email="sam@example.org")
    assert str(subscription) == "sam@example.org on DSCP newsletter (subscribed)"
    assert str(newsletter) == "DSCP newsletter"
