"""Newsletter work: staff publish and send an issue every few minutes (every other one
scheduled for beat to start), and people press one-click unsubscribe during those sends.

A person who unsubscribes while their delivery is still waiting to be claimed (``pending``
just after the unsubscribe was answered) is written down: no batch may mail them the issue.
"""

import random
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dscp.addresses import email_hash
from newsletter import services as newsletter_services
from newsletter.models import Article, Delivery, Issue, Section, Send
from subscriptions.models import MailingList, Subscriber, Subscription
from subscriptions.selectors import subscriber_links

SCHEDULE_AHEAD_S = 20
LISTS = [("Soak newsletter", "soak-newsletter"), ("Soak training updates", "soak-training")]


def setup(ctx) -> None:
    """Two public lists with the base audience (a tenth on both) and a staff member."""
    staff = get_user_model().objects.create_user(
        username="soak-staff", email="staff@soak.example.org", is_staff=True, is_superuser=True
    )
    lists = [
        MailingList.objects.create(name=name, slug=slug, is_public=True) for name, slug in LISTS
    ]
    n = ctx.plan.subscribers
    emails = [f"reader-{i}@soak.example.org" for i in range(n)]
    people = Subscriber.objects.bulk_create(
        [Subscriber(email=e, email_hash=email_hash(e)) for e in emails], batch_size=2000
    )
    now = timezone.now()
    half = n // 2
    memberships = [(p, lists[0]) for p in people[:half]] + [(p, lists[1]) for p in people[half:]]
    memberships += [(p, lists[1]) for p in people[half - n // 10 : half]]
    Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=p,
                mailing_list=m,
                status=Subscription.Status.ACTIVE,
                status_changed_at=now,
                confirmed_at=now,
            )
            for p, m in memberships
        ],
        batch_size=2000,
    )
    Section.objects.get_or_create(slug="soak-news", defaults={"title": "News", "order": 10})
    ctx.facts.update(
        staff_id=staff.pk, list_ids=[m.pk for m in lists], base_ids=[p.pk for p in people]
    )


@transaction.atomic
def publish_and_send(ctx, n: int, *, scheduled: bool) -> int:
    """A draft issue with three articles, published and sent as staff do from its page
    (in one transaction, as admin saves, so a try that fails leaves nothing behind)."""
    section = Section.objects.get(slug="soak-news")
    issue = Issue.objects.create(
        title=f"Soak issue {n}",
        slug=f"soak-issue-{n}",
        issue_date=timezone.localdate(),
        introduction="<p>Welcome to this issue.</p>",
    )
    for a in range(3):
        Article.objects.create(
            issue=issue,
            section=section,
            title=f"Soak article {n}.{a}",
            slug=f"soak-article-{n}-{a}",
            order=a,
            summary="A short summary.",
            body="<p>Some news for practitioners.</p>",
        )
    send = newsletter_services.send_create(
        issue=issue,
        lists=MailingList.objects.filter(pk__in=ctx.facts["list_ids"]),
        by=get_user_model().objects.get(pk=ctx.facts["staff_id"]),
        scheduled_for=timezone.now() + timedelta(seconds=SCHEDULE_AHEAD_S) if scheduled else None,
        publish=True,
    )
    return send.pk


def running_send() -> int | None:
    return (
        Send.objects.filter(status__in=[Send.Status.EXPANDING, Send.Status.SENDING])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def someone_waiting(send_id: int, rng: random.Random) -> tuple[int, str, str] | None:
    """A person whose delivery of the send is still pending: (id, email, one-click path)."""
    ids = list(
        Delivery.objects.filter(send_id=send_id, state=Delivery.State.PENDING)
        .order_by("-pk")
        .values_list("subscriber_id", flat=True)[:400]
    )
    if not ids:
        return None
    subscriber = Subscriber.objects.get(pk=rng.choice(ids))
    url = subscriber_links(subscriber=subscriber)["one_click_url"]
    return subscriber.pk, subscriber.email, urlsplit(url).path


def delivery_state(send_id: int, subscriber_id: int) -> str | None:
    return (
        Delivery.objects.filter(send_id=send_id, subscriber_id=subscriber_id)
        .values_list("state", flat=True)
        .first()
    )


async def run(ctx) -> None:
    rng = random.Random(ctx.facts["seed"])
    n, next_send = 0, time.time() + 5
    address = 0
    while not ctx.stopping():
        if time.time() >= next_send:
            n += 1
            scheduled = n % 2 == 0
            send_id = await ctx.db(publish_and_send, ctx, n, scheduled=scheduled)
            ctx.ledger.record("send", send_id=send_id, scheduled=scheduled)
            next_send = time.time() + ctx.plan.send_every_s
        send_id = await ctx.db(running_send)
        if send_id is not None:
            waiting = await ctx.db(someone_waiting, send_id, rng)
            if waiting is not None:
                address += 1
                await one_click(
                    ctx, send_id, *waiting, address=f"10.200.{address // 256 % 256}.{address % 256}"
                )
        await ctx.sleep(rng.uniform(0.5, 1.5))


async def one_click(ctx, send_id: int, subscriber_id: int, email: str, path: str, *, address: str):
    """What a mail provider does when the person presses Unsubscribe (RFC 8058)."""
    reply = await ctx.http.call(
        "one_click", "POST", path, address=address, form={"List-Unsubscribe": "One-Click"}
    )
    if reply is None or reply.status != 200:
        return
    ctx.ledger.record("one_click", email=email, subscriber_id=subscriber_id, send_id=send_id)
    # Still pending once the unsubscribe was answered: the claim comes later, and must skip them.
    if await ctx.db(delivery_state, send_id, subscriber_id) == Delivery.State.PENDING:
        ctx.ledger.record("left_before_claim", email=email, send_id=send_id)
