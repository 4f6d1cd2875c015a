"""The batch engine: claim due deliveries, send them over one SMTP connection, record the results."""

import logging
import random
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from dscp import dispatch
from dscp.emails import MessageFrame, RenderedEmail, build_message
from dscp.errors import DomainError
from dscp.locking import BUSY
from newsletter.emails import issue_email_personalise
from newsletter.models import Delivery, Send
from subscriptions import selectors as subscription_selectors
from subscriptions import services as subscription_services

logger = logging.getLogger(__name__)
State = Delivery.State
Status = Send.Status


def batches_start(*, send_id: int) -> None:
    """Queue the send's parallel chains of batches."""
    for _ in range(settings.NEWSLETTER_SEND_PARALLEL):
        dispatch.enqueue("newsletter.tasks.send_batch", send_id=send_id)


@dataclass
class _Outcomes:
    sent: list[Delivery] = field(default_factory=list)
    retry: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    skipped: list[Delivery] = field(default_factory=list)
    # Not sent because the batch stopped: its lease might run out, or was lost.
    released: list[Delivery] = field(default_factory=list)
    rejected_addresses: list[tuple[str, str]] = field(default_factory=list)


def send_batch(*, send_id: int) -> float | None:
    """Send one batch of a send; returns seconds until the next batch is due, or None when done."""
    send = Send.objects.filter(pk=send_id).first()
    if send is None or send.status != Status.SENDING:
        return None
    claim = _claim(send=send, now=timezone.now())
    if claim.deliveries:
        outcomes = _deliver(send=send, claim=claim)
        _record(claim=claim, outcomes=outcomes)
        # Follow-ups come after the record has committed: nothing that happens once
        # a message went out may undo the record that it went out (a rolled-back
        # record would have the batch's messages claimed and sent again).
        Send.objects.filter(pk=send.pk).update(last_activity_at=timezone.now())
        _suppress_refused(send=send, outcomes=outcomes)
    return _next_batch_in(send=send)


@dataclass
class _Claim:
    """A batch's deliveries, held under its own token until ``lease_until``."""

    send_id: int
    token: uuid.UUID
    lease_until: datetime
    deliveries: list[Delivery]

    def still_held(self) -> bool:
        """True if the next message may go out: two thirds of the lease left, after renewing
        it if less was. False once another batch has taken over any of its deliveries, or
        if renewing took so long the lease might end mid-message (see newsletter.services)."""
        lease = timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS)
        now = timezone.now()
        if self.lease_until - now >= lease * 2 / 3:
            return True
        # Renewed only if every delivery is still this batch's: another batch may have
        # taken them over if this one was stopped (a frozen machine) past its lease.
        held = Delivery.objects.filter(
            pk__in=[d.pk for d in self.deliveries], claimed_by=self.token, state=State.SENDING
        ).update(lease_until=now + lease)
        if held < len(self.deliveries):
            return False
        self.lease_until = now + lease
        # A batch still sending is progress: send_restart_stalled leaves its send alone.
        Send.objects.filter(pk=self.send_id).update(last_activity_at=now)
        return self.lease_until - timezone.now() >= lease * 2 / 3


def _claim(*, send: Send, now: datetime) -> _Claim:
    """Lease up to a batch of due deliveries that no one else holds."""
    due = Q(state=State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(state=State.SENDING, lease_until__lt=now)
    claim = _Claim(
        send_id=send.pk,
        token=uuid.uuid4(),
        lease_until=now + timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS),
        deliveries=[],
    )
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(due | abandoned, send=send)
            .order_by("pk")
            .values_list("pk", "subscriber_id", "attempts")[: settings.NEWSLETTER_SEND_BATCH_SIZE]
        )
        Delivery.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            state=State.SENDING, lease_until=claim.lease_until, claimed_by=claim.token
        )
    claim.deliveries = [
        Delivery(
            pk=pk,
            send_id=send.pk,
            subscriber_id=subscriber_id,
            attempts=attempts + 1,
            state=State.SENDING,
        )
        for pk, subscriber_id, attempts in rows
    ]
    return claim


def _deliver(*, send: Send, claim: _Claim) -> _Outcomes:
    outcomes = _Outcomes()
    claimed = claim.deliveries
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
    # Over SMTP the batch's message is serialised once and each recipient's values put in.
    frame = _frame(send=send, rendered=rendered) if isinstance(smtp, SMTPBackend) else None
    envelope_from = frame and smtp.prep_address(settings.DEFAULT_FROM_EMAIL)
    try:
        for n, delivery in enumerate(claimed):
            subscriber = mailable.get(delivery.subscriber_id)
            if subscriber is None:
                delivery.last_error = "Unsubscribed or suppressed before it was sent."
                outcomes.skipped.append(delivery)
                continue
            rate_limit_wait()
            if not claim.still_held():
                outcomes.released = claimed[n:]
                logger.warning("send %s: batch stopped, lease lost or ending", send.pk)
                break
            links = subscription_selectors.subscriber_links(subscriber=subscriber)
            message_id = make_msgid(idstring=f"issue{send.issue_id}", domain=_mail_domain())
            delivery.message_id = message_id
            data = frame and frame.fill(
                {
                    _FRAME_TO: subscriber.email,
                    _FRAME_ID: message_id[1:-1],
                    **{_FRAME_LINKS[name]: url for name, url in links.items()},
                }
            )
            if data:
                send_it = partial(_send_bytes, smtp, envelope_from, subscriber.email, data)
            else:
                message = _message(
                    send=send,
                    rendered=rendered,
                    to=subscriber.email,
                    links=links,
                    message_id=message_id,
                    connection=smtp,
                )
                send_it = partial(smtp.send_messages, [message])
            _send_one(smtp, send_it, delivery, subscriber.email, outcomes)
    finally:
        smtp.close()
    return outcomes


# Where each recipient's values go in a batch's message frame: plain tokens, which
# neither the headers nor quoted-printable change.
_FRAME_TO = "dscp-frame-to@frame.invalid"
_FRAME_ID = "dscp-frame-message-id@frame.invalid"
_FRAME_LINKS = {
    name: f"dscp-frame-{name.replace('_', '-')}"
    for name in ("unsubscribe_url", "preferences_url", "one_click_url")
}


def _frame(*, send: Send, rendered: RenderedEmail) -> MessageFrame:
    message = _message(
        send=send,
        rendered=rendered,
        to=_FRAME_TO,
        links=_FRAME_LINKS,
        message_id=f"<{_FRAME_ID}>",
        connection=None,
    )
    return MessageFrame(message, placeholders=[_FRAME_TO, _FRAME_ID, *_FRAME_LINKS.values()])


def _message(
    *, send: Send, rendered: RenderedEmail, to: str, links: dict, message_id: str, connection
):
    personal = issue_email_personalise(
        rendered, unsubscribe_url=links["unsubscribe_url"], preferences_url=links["preferences_url"]
    )
    headers = {
        **subscription_selectors.list_unsubscribe_headers(one_click_url=links["one_click_url"]),
        "List-Id": f"{settings.PARTNERSHIP['name']} newsletter <newsletter.{_mail_domain()}>",
        "Message-ID": message_id,
    }
    return build_message(personal, to=to, headers=headers, connection=connection)


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _send_bytes(smtp, envelope_from: str, to: str, data: bytes) -> None:
    smtp.connection.sendmail(envelope_from, [to], data)


def _send_one(smtp, send_it, delivery: Delivery, email: str, outcomes: _Outcomes) -> None:
    """Send one message (``send_it``) and sort the result: sent, worth retrying, or refused for good."""
    try:
        # One connection for the whole batch: open() does nothing while it is
        # up, and reconnects after a dropped one. (send_messages alone would
        # connect, greet and quit for every message.)
        smtp.open()
        send_it()
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


def rate_limit_wait() -> None:
    """Keep to NEWSLETTER_SEND_RATE_PER_MINUTE across all workers (0 means no limit)."""
    limit = settings.NEWSLETTER_SEND_RATE_PER_MINUTE
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
    base = settings.NEWSLETTER_SEND_RETRY_SECONDS
    ceiling = min(base * 2 ** (attempts - 1), 3600)
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))


def _record(*, claim: _Claim, outcomes: _Outcomes) -> None:
    """Write a batch's results in a few statements, in a transaction of their own."""
    now = timezone.now()
    give_up = [d for d in outcomes.retry if d.attempts >= settings.NEWSLETTER_SEND_MAX_ATTEMPTS]
    retry = [d for d in outcomes.retry if d.attempts < settings.NEWSLETTER_SEND_MAX_ATTEMPTS]
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
    # A message that went out is recorded whoever holds its row now. Anything else
    # changes only rows this batch still holds: if another batch took a delivery
    # over, that batch's result stands.
    leased = Delivery.objects.filter(claimed_by=claim.token, state=State.SENDING)
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
        if outcomes.released:
            # Not attempted: due again at once, for whichever batch claims next.
            leased.filter(pk__in=[d.pk for d in outcomes.released]).update(
                state=State.PENDING, lease_until=None
            )


def _suppress_refused(*, send: Send, outcomes: _Outcomes) -> None:
    """Never mail again the addresses the mail server refused for good, each in its own
    transaction; one whose subscriber is busy (its row locked past the bounded wait)
    is queued instead, a task tried again as mail tasks are (``dscp.dispatch``)."""
    for email, reply in outcomes.rejected_addresses:
        suppression = {
            "email": email,
            "reason": subscription_selectors.SuppressionReason.BOUNCED,
            "recorded_by": f"Newsletter send {send.pk}: {reply}",
        }
        try:
            subscription_services.suppression_add(**suppression)
        except DomainError as error:
            if error.code != BUSY:
                raise
            dispatch.enqueue("subscriptions.tasks.suppression_add", **suppression)


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
