"""The staff home: the admin index says what needs doing today, each item linking to where it is done."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletter import services
from newsletter.models import Issue
from priorities.models import ActionStatus
from subscriptions.models import Subscription
from subscriptions.selectors import list_growth
from tests.factories import StaffFactory
from tests.newsletter.audience import build_audience
from tests.newsletter.factories import ArticleFactory, IssueFactory
from tests.priorities.factories import ActionFactory
from tests.subscriptions.factories import MailingListFactory, SubscriptionFactory
from tests.training.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
HOME = "/admin/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def some_of_everything(n: int, django_capture_on_commit_callbacks) -> None:
    """``n`` of each thing the home lists: drafts, sessions, unmarked registers, overdue steps."""
    now = timezone.now()
    for i in range(n):
        ArticleFactory(issue=IssueFactory(title=f"Draft {i}"))
        session = SessionFactory(starts_at=now + timedelta(days=3 + i))
        BookingFactory.create_batch(2, session=session)
        past = SessionFactory(starts_at=now - timedelta(days=10 + i))
        BookingFactory(session=past)
        ActionFactory(owner=f"Owner {i}", start_date=None, due_date=date(2020, 1, 1))
    audience = build_audience(subscribers=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_create(issue=audience.issue, lists=audience.lists, by=None)


def test_staff_home_says_what_needs_doing_with_links(
    staff_client, django_capture_on_commit_callbacks
):
    some_of_everything(1, django_capture_on_commit_callbacks)
    html = staff_client.get(HOME).content.decode()
    assert "<h1>What needs doing</h1>" in html
    assert ">Draft 0</a>" in html
    assert '<dd id="last-send-sent">4</dd>' in html
    assert "2 of 20 (10%)" in html
    assert "1 person not marked" in html
    assert "?overdue=yes&amp;owner=Owner%200" in html and "1 overdue" in html
    assert "<svg" in html and "Subscribers at the end of each month" in html
    # The model list is still there below.
    assert reverse("admin:newsletter_issue_changelist") in html


def test_staff_home_queries_stay_constant_as_everything_grows(
    staff_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    some_of_everything(1, django_capture_on_commit_callbacks)
    staff_client.get(HOME)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(HOME)
    some_of_everything(6, django_capture_on_commit_callbacks)
    with django_assert_num_queries(len(small.captured_queries)):
        staff_client.get(HOME)


def test_list_growth_counts_who_was_subscribed_at_each_months_end():
    mailing_list = MailingListFactory(name="Newsletter")
    today = date(2024, 6, 15)
    aware = lambda y, m, d: timezone.make_aware(timezone.datetime(y, m, d, 12))  # noqa: E731
    SubscriptionFactory(mailing_list=mailing_list, status_changed_at=aware(2024, 1, 10))
    SubscriptionFactory(mailing_list=mailing_list, status_changed_at=aware(2024, 4, 2))
    left = SubscriptionFactory(mailing_list=mailing_list, status_changed_at=aware(2024, 2, 5))
    Subscription.objects.filter(pk=left.pk).update(
        status=Subscription.Status.UNSUBSCRIBED, status_changed_at=aware(2024, 5, 20)
    )
    months, [growth] = list_growth(months=6, today=today)
    assert months[0] == date(2024, 1, 1) and months[-1] == date(2024, 6, 1)
    #                        Jan Feb Mar Apr May Jun
    assert growth.counts == [1, 2, 2, 3, 2, 2]


def test_no_overdue_steps_and_nothing_sent_read_plainly(staff_client):
    ActionFactory(status=ActionStatus.DONE)
    html = staff_client.get(HOME).content.decode()
    assert "No next step is overdue." in html
    assert "Nothing has been sent yet." in html


def test_a_held_publish_is_no_longer_shown_once_staff_take_its_time_away(staff_client):
    now = timezone.now()
    issue = IssueFactory(title="March", publish_at=now)
    ArticleFactory(issue=issue, body='<p><a href="https://example.org">click here</a></p>')
    services.issue_publish_due(now=now)
    fix = reverse("admin:newsletter_issue_change", args=[issue.pk]) + "#accessibility-check"
    home = staff_client.get(HOME).content.decode()
    assert fix in home and "Draft. Not published: fix the 1 accessibility problem" in home

    # Staff clear the issue's publishing time: nothing waits to be published any more.
    Issue.objects.filter(pk=issue.pk).update(publish_at=None)
    home = staff_client.get(HOME).content.decode()
    assert fix not in home and "Not published" not in home
