"""Writes to the newsletter: publishing and unpublishing issues."""

from django.db import transaction
from django.utils import timezone

from newsletter.errors import NewsletterError
from newsletter.models import Issue


def _locked(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


@transaction.atomic
def issue_publish(*, issue: Issue, by=None) -> Issue:
    """Publish a draft issue so readers see it in the archive and the feed."""
    issue = _locked(issue)
    if issue.is_published:
        raise NewsletterError("already_published")
    if not issue.articles.exists():
        raise NewsletterError("publish_empty")
    issue.status = Issue.Status.PUBLISHED
    # Republishing after a correction keeps the issue's place in the feed.
    issue.published_at = issue.published_at or timezone.now()
    issue._history_user = by
    issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


@transaction.atomic
def issue_unpublish(*, issue: Issue, by=None) -> Issue:
    """Take a published issue back to draft: readers get a 404, staff still see it."""
    issue = _locked(issue)
    if not issue.is_published:
        raise NewsletterError("not_published")
    issue.status = Issue.Status.DRAFT
    issue._history_user = by
    issue.save(update_fields=["status", "updated_at"])
    return issue
