"""Turning a send's lists into one pending delivery per recipient, chunk by chunk."""

from django.db import transaction
from django.utils import timezone

from newsletter.emails import issue_email_render
from newsletter.models import Delivery, Send
from newsletter.selectors import send_recipients
from newsletter.services.batches import batches_start

State = Delivery.State
Status = Send.Status

EXPAND_CHUNK = 5000


def send_expand(*, send_id: int) -> None:
    """Add the send's recipients as pending deliveries, chunk by chunk, then start the batches."""
    send = Send.objects.select_related("issue").get(pk=send_id)
    if send.status != Status.EXPANDING:
        return
    if not send.subject:
        _snapshot(send)
    list_ids = list(send.lists.values_list("pk", flat=True))
    while send_expand_chunk(send=send, list_ids=list_ids):
        pass
    with transaction.atomic():
        started = Send.objects.filter(pk=send.pk, status=Status.EXPANDING).update(
            status=Status.SENDING, last_activity_at=timezone.now()
        )
        if started:
            batches_start(send_id=send.pk)


def _snapshot(send: Send) -> None:
    rendered = issue_email_render(issue=send.issue)
    send.subject, send.html, send.text = rendered.subject, rendered.html, rendered.text
    send.headers = rendered.headers
    send.save(update_fields=["subject", "html", "text", "headers"])


def send_expand_chunk(*, send: Send, list_ids: list[int]) -> bool:
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
        chunk = list(
            send_recipients(issue=send.issue, lists=list_ids)
            .filter(pk__gt=cursor_at)
            .order_by("pk")
            .values_list("pk", flat=True)[:EXPAND_CHUNK]
        )
        if not chunk:
            return False
        # One INSERT ... ON CONFLICT DO NOTHING for the chunk. The selection leaves
        # out anyone this issue already went to; a row another send of the issue
        # commits meanwhile meets the one-per-issue constraint and is skipped.
        Delivery.objects.bulk_create(
            [
                Delivery(send=send, issue_id=send.issue_id, subscriber_id=pk, state=State.PENDING)
                for pk in chunk
            ],
            ignore_conflicts=True,
        )
        last = chunk[-1]
        Send.objects.filter(pk=send.pk).update(
            expanded_through=last, last_activity_at=timezone.now()
        )
    return True
