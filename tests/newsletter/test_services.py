from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.errors import NewsletterError
from newsletter.models import Issue
from newsletter.services import issue_publish, issue_publish_due, issue_unpublish
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_makes_it_public_and_records_who():
    editor = StaffFactory()
    issue = ArticleFactory().issue
    published = issue_publish(issue=issue, by=editor)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert issue.published_at is not None
    assert published.history.first().history_user == editor


def test_an_issue_without_articles_cannot_be_published():
    with pytest.raises(NewsletterError) as caught:
        issue_publish(issue=IssueFactory())
    assert caught.value.message == "Add at least one article before publishing this issue."


def test_publishing_twice_is_refused():
    issue = IssueFactory(published=True)
    with pytest.raises(NewsletterError) as caught:
        issue_publish(issue=issue)
    assert caught.value.code == "already_published"


def test_unpublishing_returns_to_draft_and_republishing_keeps_the_first_date():
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    first_published = issue.published_at
    issue_unpublish(issue=issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    republished = issue_publish(issue=issue)
    assert republished.published_at == first_published


def test_unpublishing_a_draft_is_refused():
    with pytest.raises(NewsletterError) as caught:
        issue_unpublish(issue=IssueFactory())
    assert caught.value.code == "not_published"


def test_a_draft_scheduled_to_publish_goes_live_once_when_its_time_comes():
    now = timezone.now()
    due = ArticleFactory(issue=IssueFactory(publish_at=now - timedelta(minutes=1))).issue
    later = ArticleFactory(issue=IssueFactory(publish_at=now + timedelta(hours=1))).issue
    empty = IssueFactory(publish_at=now - timedelta(minutes=1))

    assert issue_publish_due(now=now) == [due.pk]
    assert issue_publish_due(now=now) == []
    due.refresh_from_db(), later.refresh_from_db(), empty.refresh_from_db()
    assert due.is_published and due.publish_at is None
    assert not later.is_published
    # One without articles stays a draft with its time, for staff to see and fix.
    assert not empty.is_published and empty.publish_at is not None


VAGUE_LINK = '<p>To book, <a href="https://example.org/book">click here</a>.</p>'


def test_publishing_is_refused_while_the_accessibility_check_finds_problems():
    article = ArticleFactory(body=VAGUE_LINK)
    ArticleFactory(issue=article.issue, body='<h2>A</h2><h4>Skipped</h4><p><a href="/x"></a></p>')
    with pytest.raises(NewsletterError) as caught:
        issue_publish(issue=article.issue)
    assert caught.value.code == "publish_inaccessible"
    assert caught.value.message.startswith("Not published: fix the 3 accessibility problems")
    article.issue.refresh_from_db()
    assert not article.issue.is_published


def test_a_scheduled_publish_with_problems_is_held_with_the_reason_and_goes_live_once_fixed():
    now = timezone.now()
    article = ArticleFactory(body=VAGUE_LINK, issue=IssueFactory(publish_at=now))

    assert issue_publish_due(now=now) == []
    issue = Issue.objects.get(pk=article.issue.pk)
    assert not issue.is_published
    assert issue.publish_held.startswith("Not published: fix the 1 accessibility problem listed")

    article.body = '<p>Book on <a href="https://example.org/book">the training page</a>.</p>'
    article.save()
    assert issue_publish_due(now=now + timedelta(minutes=1)) == [issue.pk]
    issue.refresh_from_db()
    assert issue.is_published and issue.publish_held == ""
