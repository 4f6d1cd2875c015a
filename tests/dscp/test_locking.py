"""Every service that takes row locks waits a bounded time, then says "busy" in its app's words."""

import pytest
from django.test import Client

from dscp import locking
from newsletter import services as newsletter_services
from newsletter.errors import NewsletterError
from priorities.errors import PriorityError
from priorities.services import action_mark_done
from subscriptions import services as subscription_services
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, Subscription
from subscriptions.selectors import subscriber_links
from tests.newsletter.factories import IssueFactory
from tests.priorities.factories import ActionFactory
from tests.subscriptions.factories import SubscriptionFactory
from tests.support.locks import locked_elsewhere
from tests.training.factories import BookingFactory
from training import services as training_services
from training.errors import BookingError


@pytest.fixture(autouse=True)
def short_lock_wait(monkeypatch):
    monkeypatch.setattr(locking, "LOCK_WAIT_SECONDS", 0.5)


def _subscription():
    subscription = SubscriptionFactory()
    return subscription, lambda: subscription_services.subscriber_unsubscribe(
        subscriber=subscription.subscriber, method=ConsentRecord.Method.PREFERENCES
    )


def _issue():
    issue = IssueFactory()
    return issue, lambda: newsletter_services.issue_unpublish(issue=issue)


def _action():
    action = ActionFactory()
    return action, lambda: action_mark_done(action_ids=[action.pk])


def _booking():
    booking = BookingFactory()
    return booking, lambda: training_services.booking_mark_attendance(
        booking=booking, attended=True
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("make", "error"),
    [
        (_subscription, SubscriptionError),
        (_issue, NewsletterError),
        (_action, PriorityError),
        (_booking, BookingError),
    ],
    ids=["subscriptions", "newsletter", "priorities", "training"],
)
def test_a_service_stuck_behind_a_held_row_lock_says_busy_in_its_apps_words(make, error):
    row, change = make()
    with locked_elsewhere(row), pytest.raises(error) as raised:
        change()
    assert raised.value.code == locking.BUSY
    assert "try again" in raised.value.message


@pytest.mark.django_db(transaction=True)
def test_a_request_stuck_behind_a_lock_gets_the_busy_page_not_a_500():
    subscription = SubscriptionFactory()
    url = subscriber_links(subscriber=subscription.subscriber)["one_click_url"]
    provider = Client(raise_request_exception=False)
    with locked_elsewhere(subscription):
        response = provider.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "try again" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE  # nothing half done


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_the_bounded_wait_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError), locking.bounded_lock_wait(BookingError):
        pass
