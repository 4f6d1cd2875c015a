"""Turning a send's lists into one pending delivery per recipient, chunk by chunk."""

from django.db import connection, transaction
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
