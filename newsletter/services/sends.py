"""A send's lifecycle: create, start when due, pause, resume, cancel, restart when stalled; test sends."""

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import mailers
from django.db import transaction
from django.utils import timezone

from audit.services import AuditAction, audit_record
from dscp import dispatch
from dscp.emails import build_message
from dscp.locking import BUSY
from newsletter.emails import issue_email_sample
from newsletter.errors import NewsletterError
from newsletter.models import Delivery, Issue, Send
from newsletter.services.batches import batches_start
from newsletter.services.issues import (
    issue_check_publishable,
    issue_hold_publishing,
    issue_publish,
)

logger = logging.getLogger(__name__)
State = Delivery.State
Status = Send.Status


@transaction.atomic
def send_create(
    *,
    issue: Issue,
    lists: Iterable,  # mailing lists (or their ids), as subscriptions' selectors take them
    by: AbstractBaseUser | None,
    scheduled_for: datetime | None = None,
    publish: bool = False,
) -> Send:
    """Schedule an issue to go to ``lists``; with no time given it starts straight away.

    With ``publish`` a draft is published as the send starts ("publish and send"),
    so the email's "view on the website" link works when it arrives.
    """
    if not issue.is_published:
        if not publish:
            raise NewsletterError("send_unpublished")
        if scheduled_for is None:
            issue_check_publishable(issue=issue)
        elif not issue.articles.exists():
            # A scheduled one is checked again at its time; staff may fix problems until then.
            raise NewsletterError("publish_empty")
    lists = list(lists)
    if not lists:
        raise NewsletterError("send_no_lists")
    now = timezone.now()
    if scheduled_for is not None and scheduled_for < now - timedelta(minutes=1):
        raise NewsletterError("send_in_the_past")
    send = Send.objects.create(
        issue=issue,
        started_by=by,
        scheduled_for=scheduled_for or now,
        publish_issue=publish and not issue.is_published,
    )
    send.lists.set(lists)
    if by is not None:
        audit_record(
            actor=by,
            action=AuditAction.SENT,
            subject=f"{issue} to {', '.join(m.name for m in lists)}",
        )
    if scheduled_for is None:
        transaction.on_commit(send_start_due)
    return send


def send_start_due(*, now: datetime | None = None) -> list[int]:
    """Start every scheduled send whose time has come (run by beat each minute, and on 'send now')."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Send.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SCHEDULED, scheduled_for__lte=now)
            .values_list("pk", flat=True)
        )
        # "Publish and send": the issue goes live in the same transaction the send starts
        # in. One that cannot be published (no articles, problems in its accessibility
        # check) waits, paused, with the reason on the issue for its page and the staff home.
        for issue in Issue.objects.filter(
            status=Issue.Status.DRAFT, sends__pk__in=due, sends__publish_issue=True
        ).distinct():
            try:
                with transaction.atomic():
                    issue_publish(issue=issue)
            except NewsletterError as error:
                held = Send.objects.filter(pk__in=due, issue=issue)
                held_ids = set(held.values_list("pk", flat=True))
                due = [pk for pk in due if pk not in held_ids]
                # Staff saving the issue at this moment is nothing to fix: the send
                # stays scheduled and the next tick (a minute at most) starts it.
                if error.code == BUSY:
                    continue
                issue_hold_publishing(issue_id=issue.pk, error=error)
                held.update(status=Status.PAUSED)
        Send.objects.filter(pk__in=due).update(
            status=Status.EXPANDING, started_at=now, last_activity_at=now
        )
        for send_id in due:
            dispatch.enqueue("newsletter.tasks.send_expand", send_id=send_id)
    return due


@transaction.atomic
def send_pause(*, send: Send) -> None:
    """Stop taking new batches; the batch on the wire finishes and is recorded."""
    if not Send.objects.filter(pk=send.pk, status__in=[Status.SENDING, Status.SCHEDULED]).update(
        status=Status.PAUSED
    ):
        raise NewsletterError("send_not_running")


@transaction.atomic
def send_resume(*, send: Send) -> None:
    """Carry on a paused send from where it stopped."""
    resumed = Send.objects.filter(pk=send.pk, status=Status.PAUSED)
    if send.started_at is None:
        if not resumed.update(status=Status.SCHEDULED):
            raise NewsletterError("send_not_paused")
        transaction.on_commit(send_start_due)
        return
    if not resumed.update(status=Status.SENDING, last_activity_at=timezone.now()):
        raise NewsletterError("send_not_paused")
    batches_start(send_id=send.pk)


@transaction.atomic
def send_cancel(*, send: Send) -> int:
    """Stop a send for good; people not yet mailed can be reached by a later send. Returns how many."""
    if (
        not Send.objects.filter(pk=send.pk)
        .exclude(status__in=[Status.DONE, Status.CANCELLED])
        .update(status=Status.CANCELLED, finished_at=timezone.now())
    ):
        raise NewsletterError("send_finished")
    removed, _ = Delivery.objects.filter(send=send, state=State.PENDING).delete()
    return removed


def send_restart_stalled(*, now: datetime | None = None) -> list[int]:
    """Restart sends whose batches stopped (a lost broker message, a dead worker); run by beat."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS)
    restarted = []
    with transaction.atomic():
        stalled = Send.objects.select_for_update(skip_locked=True).filter(
            status__in=[Status.EXPANDING, Status.SENDING], last_activity_at__lt=stale
        )
        for send in stalled:
            if send.status == Status.EXPANDING:
                dispatch.enqueue("newsletter.tasks.send_expand", send_id=send.pk)
            else:
                batches_start(send_id=send.pk)
            restarted.append(send.pk)
        # Give each restarted send a lease period before it can count as stalled again.
        Send.objects.filter(pk__in=restarted).update(last_activity_at=now)
    if restarted:
        logger.warning("restarted stalled sends %s", restarted)
    return restarted


def send_test_request(*, issue: Issue, to: list[str]) -> None:
    """Queue a test of the issue to a few addresses; a worker sends it, so the page answers at once."""
    if not to:
        raise NewsletterError("send_no_test_addresses")
    dispatch.enqueue("newsletter.tasks.send_test", issue_id=issue.pk, to=list(to))


def send_test(*, issue: Issue, to: list[str]) -> int:
    """Email the issue to a few addresses typed in by staff, marked as a test; returns how many."""
    sample = issue_email_sample(issue=issue)
    test = replace(sample, subject=f"[Test] {sample.subject}")
    smtp = mailers.default
    try:
        for address in to:
            build_message(test, to=address, connection=smtp).send()
    finally:
        smtp.close()
    return len(to)
