import time

import pytest
from django.core import signing

from subscriptions import selectors, services
from subscriptions.errors import SubscriptionError
from subscriptions.models import Subscription, Suppression
from subscriptions.tokens import make_token
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, is_suppressed

pytestmark = pytest.mark.django_db
Status = Subscription.Status


def test_mailable_subscribers_are_active_on_a_chosen_list_unsuppressed_and_listed_once(
    newsletter, training
):
    both = SubscriberFactory(email="both@example.org")
    SubscriptionFactory(subscriber=both, mailing_list=newsletter)
    SubscriptionFactory(subscriber=both, mailing_list=training)
    only_training = SubscriptionFactory(mailing_list=training).subscriber
    for status in [Status.PENDING, Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED]:
        SubscriptionFactory(mailing_list=newsletter, status=status)
    suppressed = SubscriptionFactory(mailing_list=newsletter).subscriber
    Suppression.objects.create(email_hash=suppressed.email_hash, reason="bounced")

    assert list(selectors.mailable_subscribers(lists=[newsletter, training])) == [
        both,
        only_training,
    ]
    assert list(selectors.mailable_subscribers(lists=[newsletter.pk])) == [both]


def test_mailable_subscribers_costs_one_query_however_many_there_are(
    newsletter, django_assert_num_queries
):
    for _ in range(3):
        SubscriptionFactory(mailing_list=newsletter)
    with django_assert_num_queries(1):
        assert len(list(selectors.mailable_subscribers(lists=[newsletter]))) == 3
    for _ in range(20):
        SubscriptionFactory(mailing_list=newsletter)
    with django_assert_num_queries(1):
        assert len(list(selectors.mailable_subscribers(lists=[newsletter]))) == 23


def test_mailable_subscribers_query_needs_no_distinct(newsletter):
    # EXISTS, not joins: each subscriber once without DISTINCT, so a send can read
    # the recipients in chunks by primary key without sorting them all each time.
    sql = str(selectors.mailable_subscribers(lists=[newsletter]).values("pk").query)
    assert "DISTINCT" not in sql.upper()
    assert "EXISTS" in sql.upper()


def test_an_unsubscribe_during_a_send_is_seen_at_claim_time(newsletter):
    subscriber = SubscriptionFactory(mailing_list=newsletter).subscriber
    assert subscriber in selectors.mailable_subscribers(lists=[newsletter])
    services.subscriber_unsubscribe(subscriber=subscriber, method="one_click")
    assert subscriber not in selectors.mailable_subscribers(lists=[newsletter])


def test_a_suppressed_subscriber_is_not_mailable(newsletter):
    subscriber = SubscriptionFactory(mailing_list=newsletter).subscriber
    Suppression.objects.create(email_hash=subscriber.email_hash, reason="staff")
    assert subscriber not in selectors.mailable_subscribers(lists=[newsletter])


def test_suppression_matches_any_spelling_of_the_address():
    services.suppression_add(email="Gone@Example.org", reason="bounced")
    assert is_suppressed(" gone@example.ORG ")
    assert not is_suppressed("here@example.org")


def test_lists_with_counts_counts_each_status(newsletter):
    for status in [Status.ACTIVE, Status.ACTIVE, Status.PENDING, Status.UNSUBSCRIBED]:
        SubscriptionFactory(mailing_list=newsletter, status=status)
    counted = selectors.lists_with_counts().get(pk=newsletter.pk)
    assert (counted.active_count, counted.pending_count, counted.unsubscribed_count) == (2, 1, 1)
    assert counted.bounced_count == counted.complained_count == 0


def test_a_confirmation_link_names_its_subscriber_and_lists(newsletter, training):
    subscriber = SubscriberFactory()
    token = make_token(
        purpose="confirm", subscriber_id=subscriber.pk, list_ids=[training.pk, newsletter.pk]
    )
    link = selectors.subscriber_from_token(token=token, purpose="confirm")
    assert link.subscriber == subscriber
    assert link.lists == [newsletter, training]


def test_a_tampered_or_misused_link_is_invalid():
    token = make_token(purpose="unsubscribe", subscriber_id=SubscriberFactory().pk)
    for bad, purpose in [(token[:-3] + "abc", "unsubscribe"), (token, "preferences")]:
        with pytest.raises(SubscriptionError) as caught:
            selectors.subscriber_from_token(token=bad, purpose=purpose)
        assert caught.value.code == "link_invalid"


def test_an_old_preferences_link_has_expired(monkeypatch):
    subscriber = SubscriberFactory()
    made_at = time.time() - 184 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: made_at)
    token = make_token(purpose="preferences", subscriber_id=subscriber.pk)
    monkeypatch.undo()
    with pytest.raises(SubscriptionError) as caught:
        selectors.subscriber_from_token(token=token, purpose="preferences")
    assert caught.value.code == "link_expired"


def test_an_erased_persons_link_is_gone_unless_gone_is_allowed():
    subscriber = SubscriberFactory()
    token = make_token(purpose="unsubscribe", subscriber_id=subscriber.pk)
    subscriber.delete()
    with pytest.raises(SubscriptionError) as caught:
        selectors.subscriber_from_token(token=token, purpose="unsubscribe")
    assert caught.value.code == "link_gone"
    link = selectors.subscriber_from_token(token=token, purpose="unsubscribe", gone_ok=True)
    assert (link.subscriber, link.lists) == (None, [])


def test_subscription_statuses_cover_only_the_lists_asked_about(newsletter, training):
    subscription = SubscriptionFactory(mailing_list=newsletter, status=Status.PENDING)
    subscriber = subscription.subscriber
    SubscriptionFactory(subscriber=subscriber, mailing_list=training, status=Status.ACTIVE)
    assert selectors.subscription_statuses(subscriber=subscriber, lists=[newsletter]) == {
        newsletter.pk: Status.PENDING
    }
