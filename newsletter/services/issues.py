"""Writes to the newsletter: publishing and unpublishing issues, now or at a set time."""

import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.services import AuditAction, audit_record
from newsletter.errors import NewsletterError
from newsletter.models import Issue

logger = logging.getLogger(__name__)


def _locked(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


@transaction.atomic
def issue_publish(*, issue: Issue, by: AbstractBaseUser | None = None) -> Issue:
    """Publish a draft issue so readers see it in the archive and the feed."""
    issue = _locked(issue)
    if issue.is_published:
        raise NewsletterError("already_published")
    if not issue.articles.exists():
        raise NewsletterError("publish_empty")
    issue.status = Issue.Status.PUBLISHED
    # Republishing after a correction keeps the issue's place in the feed.
    issue.published_at = issue.published_at or timezone.now()
    # Published now, so nothing is left to do at a scheduled time.
    issue.publish_at = None
    issue._history_user = by
    issue.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
    if by is not None:
        audit_record(actor=by, action=AuditAction.PUBLISHED, subject=str(issue))
    return issue


def issue_publish_due(*, now: datetime | None = None) -> list[int]:
    """Publish every draft whose publishing time has come (beat, each minute); returns their ids.

    Each issue is claimed under a row lock that others skip, so two beats never
    publish one twice; an issue that cannot be published (no articles) stays a
    draft with its time, and the staff home lists it as late.
    """
    now = now or timezone.now()
    published = []
    due = Issue.objects.filter(status=Issue.Status.DRAFT, publish_at__lte=now)
    for issue_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            issue = (
                Issue.objects.select_for_update(skip_locked=True)
                .filter(pk=issue_id, status=Issue.Status.DRAFT, publish_at__lte=now)
                .first()
            )
            if issue is None:
                continue
            try:
                issue_publish(issue=issue)
            except NewsletterError as error:
                logger.warning("scheduled issue %s not published: %s", issue_id, error.message)
                continue
            published.append(issue_id)
    return published


@transaction.atomic
def issue_unpublish(*, issue: Issue, by: AbstractBaseUser | None = None) -> Issue:
    """Take a published issue back to draft: readers get a 404, staff still see it."""
    issue = _locked(issue)
    if not issue.is_published:
        raise NewsletterError("not_published")
    issue.status = Issue.Status.DRAFT
    issue.publish_at = None
    issue._history_user = by
    issue.save(update_fields=["status", "publish_at", "updated_at"])
    return issue
