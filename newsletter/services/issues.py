"""Writes to the newsletter: publishing and unpublishing issues, now or at a set time."""

import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.services import AuditAction, audit_record
from dscp.locking import bounded_lock_wait
from newsletter.accessibility import issue_accessibility_problems
from newsletter.errors import NewsletterError
from newsletter.models import Issue

logger = logging.getLogger(__name__)


def _locked(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


def issue_check_publishable(*, issue: Issue) -> None:
    """Raise if the issue cannot go live: no articles, or problems in its accessibility check."""
    if not issue.articles.exists():
        raise NewsletterError("publish_empty")
    problems = len(issue_accessibility_problems(issue=issue, articles=issue.articles.all()))
    if problems:
        noun = "accessibility problem" if problems == 1 else "accessibility problems"
        raise NewsletterError("publish_inaccessible", problems=f"{problems} {noun}")


def issue_hold_publishing(*, issue_id: int, error: NewsletterError) -> None:
    """Record why a scheduled publish did not happen, for the issue's page and the staff home."""
    logger.warning("scheduled issue %s not published: %s", issue_id, error.message)
    Issue.objects.filter(pk=issue_id).update(publish_held=error.message)


@transaction.atomic
@bounded_lock_wait(NewsletterError)
def issue_publish(*, issue: Issue, by: AbstractBaseUser | None = None) -> Issue:
    """Publish a draft issue so readers see it in the archive and the feed."""
    issue = _locked(issue)
    if issue.is_published:
        raise NewsletterError("already_published")
    issue_check_publishable(issue=issue)
    issue.status = Issue.Status.PUBLISHED
    # Republishing after a correction keeps the issue's place in the feed.
    issue.published_at = issue.published_at or timezone.now()
    # Published now, so nothing is left to do at a scheduled time.
    issue.publish_at = None
    issue.publish_held = ""
    issue._history_user = by
    issue.save(update_fields=["status", "published_at", "publish_at", "publish_held", "updated_at"])
    if by is not None:
        audit_record(actor=by, action=AuditAction.PUBLISHED, subject=str(issue))
    return issue


def issue_publish_due(*, now: datetime | None = None) -> list[int]:
    """Publish every draft whose publishing time has come (beat, each minute); returns their ids.

    Each issue is claimed under a row lock that others skip, so two beats never
    publish one twice. An issue that cannot be published (no articles, or problems
    in its accessibility check) stays a draft with its time and the reason, which
    its page and the staff home show; it is tried again each minute, so it goes
    live once staff fix it.
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
                issue_hold_publishing(issue_id=issue_id, error=error)
                continue
            published.append(issue_id)
    return published


@transaction.atomic
@bounded_lock_wait(NewsletterError)
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
