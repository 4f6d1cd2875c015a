"""Sending an issue to its subscribers: every eligible person once, none lost, none twice.

How a send stays safe (see "Sending and crash safety" in the README):

1. A Send row is the durable record of the intent; beat starts due sends from
   the database (``send_start_due``), so a restart never loses a scheduled one.
2. ``send_expand`` turns recipients into Delivery rows in chunks, with
   INSERT … SELECT in the database (nothing is loaded into memory) and
   ON CONFLICT DO NOTHING against the unique (issue, subscriber) constraint,
   so overlapping lists, a second send or a replayed task add no one twice.
3. ``send_batch`` claims up to NEWSLETTER_SEND_BATCH_SIZE due deliveries with
   SELECT … FOR UPDATE SKIP LOCKED and leases them; parallel batches never
   share a delivery. At claim time each recipient is checked again, so an
   unsubscribe or a suppression during a send takes effect at once.
4. The batch goes over one SMTP connection and its results are written in
   bulk. A batch killed before writing leaves its deliveries leased; once the
   lease ends the next claim takes them again. So at most the messages of the
   batches in flight at a hard kill can be sent twice, and none is skipped.
   A graceful stop lets the running batch finish and record: none twice.
"""

import logging
import random
import smtplib
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from dscp import dispatch
from dscp.emails import RenderedEmail, build_message
from newsletter import services
from newsletter.emails import issue_email_personalise, issue_email_render, issue_email_sample
from newsletter.errors import NewsletterError
from newsletter.models import Delivery, Issue, Send
from newsletter.selectors import send_recipients
from subscriptions import selectors as subscription_selectors
from subscriptions import services as subscription_services

logger = logging.getLogger(__name__)
State = Delivery.State
Status = Send.Status

EXPAND_CHUNK = 5000


def _config(name: str) -> int:
    return getattr(settings, f"NEWSLETTER_SEND_{name}")


# Starting, pausing, resuming, cancelling


@transaction.atomic
def send_create(
    *,
    issue: Issue,
    lists,
    by,
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
        if not issue.articles.exists():
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
        # in. One that can no longer be published (its articles were deleted) waits, paused.
        for issue in Issue.objects.filter(
            status=Issue.Status.DRAFT, sends__pk__in=due, sends__publish_issue=True
        ).distinct():
            try:
                with transaction.atomic():
                    services.issue_publish(issue=issue)
            except NewsletterError as error:
                logger.warning("issue %s not published, its send waits: %s", issue.pk, error)
                held = Send.objects.filter(pk__in=due, issue=issue)
                held_ids = set(held.values_list("pk", flat=True))
                held.update(status=Status.PAUSED)
                due = [pk for pk in due if pk not in held_ids]
        Send.objects.filter(pk__in=due).update(
            status=Status.EXPANDING, started_at=now, last_activity_at=now
        )
        for send_id in due:
            dispatch.enqueue("newsletter.tasks.send_expand", send_id=send_id)
    return due


def send_expand(*, send_id: int) -> None:
    """Add the send's recipients as pending deliveries, chunk by chunk, then start the batches."""
    send = Send.objects.select_related("issue").get(pk=send_id)
    if send.status != Status.EXPANDING:
        return
    if not send.subject:
        _snapshot(send)
    list_ids = list(send.lists.values_list("pk", flat=True))
    while _expand_chunk(send=send, list_ids=list_ids):
        pass
    with transaction.atomic():
        started = Send.objects.filter(pk=send.pk, status=Status.EXPANDING).update(
            status=Status.SENDING, last_activity_at=timezone.now()
        )
        if started:
            _start_batches(send.pk)


def _snapshot(send: Send) -> None:
    rendered = issue_email_render(issue=send.issue)
    send.subject, send.html, send.text = rendered.subject, rendered.html, rendered.text
    send.headers = rendered.headers
    send.save(update_fields=["subject", "html", "text", "headers"])


def _expand_chunk(*, send: Send, list_ids: list[int]) -> bool:
    """Insert the next chunk of recipients after ``expanded_through``; False when none are left."""
    with transaction.atomic():
        cursor_at, status = (
            Send.objects.select_for_update()
            .values_list("expanded_through", "status")
            .get(pk=send.pk)
        )
        if status != Status.EXPANDING:
            # Paused or cancelled meanwhile: a cancelled send must not leave
            # pending deliveries that would keep a later send from these people.
            return False
        chunk = (
            send_recipients(issue=send.issue, lists=list_ids)
            .filter(pk__gt=cursor_at)
            .order_by("pk")
            .values_list("pk", flat=True)[:EXPAND_CHUNK]  # selected AS "pk"
        )
        sql, params = chunk.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(chunk.pk) FROM ({sql}) AS chunk", params)  # noqa: S608
            (last,) = cursor.fetchone()
            if last is None:
                return False
            cursor.execute(
                f"INSERT INTO {Delivery._meta.db_table} "  # noqa: S608
                "(send_id, issue_id, subscriber_id, state, attempts, last_error, message_id) "
                f"SELECT %s, %s, chunk.pk, %s, 0, '', '' FROM ({sql}) AS chunk WHERE true "
                "ON CONFLICT DO NOTHING",
                [send.pk, send.issue_id, State.PENDING, *params],
            )
        Send.objects.filter(pk=send.pk).update(
            expanded_through=last, last_activity_at=timezone.now()
        )
    return True


def _start_batches(send_id: int) -> None:
    for _ in range(_config("PARALLEL")):
        dispatch.enqueue("newsletter.tasks.send_batch", send_id=send_id)


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
    _start_batches(send.pk)


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
    stale = now - timedelta(seconds=_config("LEASE_SECONDS"))
    restarted = []
    with transaction.atomic():
        stalled = Send.objects.select_for_update(skip_locked=True).filter(
            status__in=[Status.EXPANDING, Status.SENDING], last_activity_at__lt=stale
        )
        for send in stalled:
            if send.status == Status.EXPANDING:
                dispatch.enqueue("newsletter.tasks.send_expand", send_id=send.pk)
            else:
                _start_batches(send.pk)
            restarted.append(send.pk)
        # Give each restarted send a lease period before it can count as stalled again.
        Send.objects.filter(pk__in=restarted).update(last_activity_at=now)
    if restarted:
        logger.warning("restarted stalled sends %s", restarted)
    return restarted


# Sending a batch


@dataclass
class _Outcomes:
    sent: list[Delivery] = field(default_factory=list)
    retry: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    skipped: list[Delivery] = field(default_factory=list)
    rejected_addresses: list[tuple[str, str]] = field(default_factory=list)


def send_batch(*, send_id: int) -> float | None:
    """Send one batch of a send; returns seconds until the next batch is due, or None when done."""
    send = Send.objects.filter(pk=send_id).first()
    if send is None or send.status != Status.SENDING:
        return None
    now = timezone.now()
    claimed = _claim(send=send, now=now)
    if claimed:
        outcomes = _deliver(send=send, claimed=claimed)
        _record(send=send, outcomes=outcomes)
    return _next_batch_in(send=send)


def _claim(*, send: Send, now: datetime) -> list[Delivery]:
    """Lease up to a batch of due deliveries that no one else holds."""
    due = Q(state=State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(state=State.SENDING, lease_until__lt=now)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(due | abandoned, send=send)
            .order_by("pk")
            .values_list("pk", "subscriber_id", "attempts")[: _config("BATCH_SIZE")]
        )
        Delivery.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            state=State.SENDING, lease_until=now + timedelta(seconds=_config("LEASE_SECONDS"))
        )
    return [
        Delivery(
            pk=pk,
            send_id=send.pk,
            subscriber_id=subscriber_id,
            attempts=attempts + 1,
            state=State.SENDING,
        )
        for pk, subscriber_id, attempts in rows
    ]


def _deliver(*, send: Send, claimed: list[Delivery]) -> _Outcomes:
    outcomes = _Outcomes()
    list_ids = list(send.lists.values_list("pk", flat=True))
    mailable = {
        subscriber.pk: subscriber
        for subscriber in subscription_selectors.mailable_subscribers(lists=list_ids)
        .filter(pk__in=[d.subscriber_id for d in claimed])
        .only("pk", "email")
    }
    rendered = RenderedEmail(
        subject=send.subject, text=send.text, html=send.html, headers=send.headers
    )
    smtp = mailers.default
    try:
        for delivery in claimed:
            subscriber = mailable.get(delivery.subscriber_id)
            if subscriber is None:
                delivery.last_error = "Unsubscribed or suppressed before it was sent."
                outcomes.skipped.append(delivery)
                continue
            _throttle()
            message = _message(send=send, rendered=rendered, subscriber=subscriber, connection=smtp)
            delivery.message_id = message.extra_headers["Message-ID"]
            _send_one(smtp, message, delivery, subscriber.email, outcomes)
    finally:
        smtp.close()
    return outcomes


def _message(*, send: Send, rendered: RenderedEmail, subscriber, connection):
    links = subscription_selectors.subscriber_links(subscriber=subscriber)
    personal = issue_email_personalise(
        rendered, unsubscribe_url=links["unsubscribe_url"], preferences_url=links["preferences_url"]
    )
    headers = {
        **subscription_selectors.list_unsubscribe_headers(subscriber=subscriber),
        "List-Id": f"{settings.PARTNERSHIP['name']} newsletter <newsletter.{_mail_domain()}>",
        "Message-ID": make_msgid(idstring=f"issue{send.issue_id}", domain=_mail_domain()),
    }
    return build_message(personal, to=subscriber.email, headers=headers, connection=connection)


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _send_one(smtp, message, delivery: Delivery, email: str, outcomes: _Outcomes) -> None:
    """Send one message and sort the result: sent, worth retrying, or refused for good."""
    try:
        # One connection for the whole batch: open() does nothing while it is
        # up, and reconnects after a dropped one. (send_messages alone would
        # connect, greet and quit for every message.)
        smtp.open()
        smtp.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _refused(delivery, email, code, reply, outcomes, recipient=True)
    except smtplib.SMTPResponseException as error:
        _refused(delivery, email, error.smtp_code, error.smtp_error, outcomes, recipient=False)
    except (smtplib.SMTPException, OSError) as error:
        # Dropped connection, refused connection, timeout: the next message reconnects.
        smtp.close()
        delivery.last_error = f"Mail server unavailable: {error}"[:500]
        outcomes.retry.append(delivery)
    else:
        delivery.sent_at = timezone.now()
        outcomes.sent.append(delivery)


def _refused(delivery, email, code: int, reply, outcomes: _Outcomes, *, recipient: bool) -> None:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    delivery.last_error = f"{code} {text}"[:500]
    if code >= 500:
        outcomes.failed.append(delivery)
        if recipient:
            # The address does not exist or refuses us: never mail it again.
            outcomes.rejected_addresses.append((email, delivery.last_error))
    else:
        outcomes.retry.append(delivery)


def _throttle() -> None:
    """Keep to NEWSLETTER_SEND_RATE_PER_MINUTE across all workers (0 means no limit)."""
    limit = _config("RATE_PER_MINUTE")
    if not limit:
        return
    while True:
        minute = int(time.time() // 60)
        key = f"newsletter:send-rate:{minute}"
        cache.add(key, 0, timeout=120)
        if cache.incr(key) <= limit:
            return
        time.sleep(60 - time.time() % 60 + 0.01)


def _retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, so retries from many workers spread out."""
    base = _config("RETRY_SECONDS")
    ceiling = min(base * 2 ** (attempts - 1), 3600)
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))


def _record(*, send: Send, outcomes: _Outcomes) -> None:
    """Write a batch's results in a few statements."""
    now = timezone.now()
    give_up = [d for d in outcomes.retry if d.attempts >= _config("MAX_ATTEMPTS")]
    retry = [d for d in outcomes.retry if d.attempts < _config("MAX_ATTEMPTS")]
    for delivery in retry:
        delivery.state, delivery.next_attempt_at = (
            State.PENDING,
            now + _retry_delay(delivery.attempts),
        )
    for delivery in give_up:
        delivery.last_error = f"Gave up after {delivery.attempts} attempts. {delivery.last_error}"[
            :500
        ]
    for delivery in [*outcomes.failed, *give_up]:
        delivery.state = State.FAILED
    for delivery in outcomes.skipped:
        delivery.state = State.SKIPPED
    for delivery in outcomes.sent:
        delivery.state = State.SENT
    # Only rows still leased to this batch are changed: if its lease ran out and
    # another batch took a delivery over, that batch's result stands.
    leased = Delivery.objects.filter(state=State.SENDING)
    with transaction.atomic():
        if outcomes.sent:
            Delivery.objects.bulk_update(
                outcomes.sent, ["state", "sent_at", "message_id", "attempts", "lease_until"]
            )
        if retry:
            leased.bulk_update(
                retry, ["state", "next_attempt_at", "attempts", "last_error", "message_id"]
            )
        finished = [*outcomes.failed, *give_up, *outcomes.skipped]
        if finished:
            leased.bulk_update(finished, ["state", "attempts", "last_error", "message_id"])
        for email, reply in outcomes.rejected_addresses:
            subscription_services.suppression_add(
                email=email, reason="bounced", recorded_by=f"Newsletter send {send.pk}: {reply}"
            )
        Send.objects.filter(pk=send.pk).update(last_activity_at=now)


def _next_batch_in(*, send: Send) -> float | None:
    """0 if more is due now, seconds until the next retry or lease expiry, None when finished."""
    now = timezone.now()
    left = Delivery.objects.filter(send=send, state__in=[State.PENDING, State.SENDING]).aggregate(
        due=Count(
            "pk",
            filter=Q(state=State.PENDING)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)),
        ),
        waiting=Count("pk"),
        next_retry=Min("next_attempt_at", filter=Q(state=State.PENDING)),
        lease_ends=Min("lease_until", filter=Q(state=State.SENDING)),
    )
    if left["due"]:
        return 0
    if not left["waiting"]:
        Send.objects.filter(pk=send.pk, status=Status.SENDING).update(
            status=Status.DONE, finished_at=now
        )
        return None
    wake = min(t for t in (left["next_retry"], left["lease_ends"]) if t is not None)
    return max((wake - now).total_seconds(), 0) + 0.5


# Test sends


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
