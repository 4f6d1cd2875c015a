import datetime

import pytest

from newsletter.selectors import articles_for_priority, latest_issue
from tests.newsletter.factories import ArticleFactory, IssueFactory
from tests.priorities.factories import PriorityFactory

pytestmark = pytest.mark.django_db


def test_latest_issue_is_the_newest_published_one_not_a_newer_draft():
    IssueFactory(published=True, issue_date=datetime.date(2023, 11, 1))
    december = IssueFactory(published=True, issue_date=datetime.date(2023, 12, 1))
    IssueFactory(issue_date=datetime.date(2024, 1, 1))
    assert latest_issue() == december


def test_latest_issue_is_none_before_anything_is_published():
    IssueFactory()
    assert latest_issue() is None


def test_articles_for_priority_lists_published_articles_newest_first():
    priority = PriorityFactory()
    older = ArticleFactory(
        priority=priority, issue=IssueFactory(published=True, issue_date=datetime.date(2023, 11, 1))
    )
    newer = ArticleFactory(
        priority=priority, issue=IssueFactory(published=True, issue_date=datetime.date(2023, 12, 1))
    )
    ArticleFactory(priority=priority, issue=IssueFactory())  # draft
    ArticleFactory(issue=IssueFactory(published=True))  # another priority
    assert list(articles_for_priority(priority=priority)) == [newer, older]
