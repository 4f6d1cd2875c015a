"""Booking rushes: staff open a session of 20 places; hundreds of people post the booking
form at once, the losers take the waiting list; people confirm by the emailed link, some
cancel, and the waiting list moves up (and a hold nobody confirms lapses).

A rush posts as bench/booking_rush.py does: each person loads the form (CSRF cookie, token,
form key), then all post on fresh connections at once, each from an address of their own.
Each accepted post (a redirect to "check your email") is written down with its address,
so the checks find its booking row and its email.
"""

import asyncio
import random
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bench.soak.client import address_for, hidden_fields
from training.models import Agency, Course, Session

CAPACITY = 20
CONFIRMS = 0.7  # of people emailed a link, the share who follow it
CANCELS = 0.15  # of people with a confirmed place, the share who then cancel


def setup(ctx) -> None:
    agency = Agency.objects.create(name="County Durham and Darlington NHS Foundation Trust")
    ctx.facts["agency_id"] = agency.pk


@transaction.atomic
def open_session(n: int) -> int:
    """A course and one session of 20 places, taking bookings now (a staff action)."""
    course = Course.objects.create(
        title=f"Soak course {n}",
        slug=f"soak-course-{n}",
        summary="Popular.",
        description="Popular.",
    )
    starts = timezone.now() + timedelta(days=30)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        venue="County Hall, Durham",
        capacity=CAPACITY,
    )
    return session.pk


async def run(ctx) -> None:
    rng = random.Random(ctx.facts["seed"] + 1)
    ctx.mailbox.on("Confirm your booking:", lambda mail: confirm(ctx, mail, rng))
    ctx.mailbox.on("A place has come up", lambda mail: confirm(ctx, mail, rng))
    ctx.mailbox.on("Booking confirmed:", lambda mail: maybe_cancel(ctx, mail, rng))
    n = 0
    await ctx.sleep(8)
    while not ctx.stopping():
        n += 1
        session_id = await ctx.db(open_session, n)
        await rush(ctx, n, session_id)
        await ctx.sleep(ctx.plan.rush_every_s)


async def rush(ctx, n: int, session_id: int) -> None:
    path = f"/training/sessions/{session_id}/book/"
    clients = ctx.plan.rush_clients
    addresses = [address_for(n * 1000 + i, 50 + n % 150) for i in range(clients)]
    slots = asyncio.Semaphore(24)

    async def load(i):
        async with slots:
            return await ctx.http.form_page("book_page", path, address=addresses[i])

    pages = await asyncio.gather(*(load(i) for i in range(clients)))
    gate = asyncio.Event()
    posts = []
    for i, page in enumerate(pages):
        if page is None:
            continue
        fields, cookies, _ = page
        email = f"booker-{n}-{i}@soak.example.org"
        form = fields | {
            "name": f"Booker {n}-{i}",
            "email": email,
            "agency": str(ctx.facts["agency_id"]),
            "job_role": "Health Visitor",
            "waitlist": "False",
        }
        posts.append((i, email, form, cookies))
    tasks = [
        asyncio.create_task(post(ctx, path, addresses[i], email, form, cookies, session_id, gate))
        for i, email, form, cookies in posts
    ]
    await asyncio.sleep(0.3)
    gate.set()
    await asyncio.gather(*tasks)


async def post(ctx, path, address, email, form, cookies, session_id, gate) -> None:
    reply = await ctx.http.call(
        "book_post", "POST", path, address=address, form=form, cookies=cookies, gate=gate
    )
    for attempt in range(3):
        if reply is not None and reply.status < 500:
            break
        # No answer, or an error page: the person presses the button again a little later
        # (the form key makes a second post of the same form the same booking).
        await asyncio.sleep(5 + 5 * attempt)
        reply = await ctx.http.call(
            "book_post", "POST", path, address=address, form=form, cookies=cookies
        )
    if reply is None:
        return
    if reply.status == 200 and b"Join the waiting list" in reply.body:
        # Lost the race for a place: take the waiting list from the short page.
        reply = await ctx.http.call(
            "book_post",
            "POST",
            path,
            address=address,
            form=hidden_fields(reply.body),
            cookies=cookies,
        )
        if reply is None:
            return
    if reply.status == 302 and "check-your-email" in reply.headers.get("location", ""):
        ctx.ledger.record("book", email=email, session_id=session_id, at=time.time())


async def confirm(ctx, mail, rng: random.Random) -> None:
    """Follow the emailed link and press "Confirm my booking" (most people do)."""
    path = mail.path_after("Confirm my booking:")
    if path is None or rng.random() > CONFIRMS:
        return
    await asyncio.sleep(rng.uniform(1, 10))
    address = f"10.201.{rng.randrange(256)}.{rng.randrange(256)}"
    page = await ctx.http.form_page("confirm_page", path, address=address)
    if page is None:
        return
    fields, cookies, _ = page
    reply = await ctx.http.post("confirm_post", path, address=address, form=fields, cookies=cookies)
    # Any other answer: the hold lapsed meanwhile, or the link is no good; nothing was promised.
    if reply is not None and reply.status == 302:
        ctx.ledger.record("book_confirm", email=mail.rcpt, subject=mail.subject)


async def maybe_cancel(ctx, mail, rng: random.Random) -> None:
    """Some people with a confirmed place cancel it from their booking's page."""
    manage = mail.path_after("See or cancel your booking:")
    if manage is None or rng.random() > CANCELS:
        return
    await asyncio.sleep(rng.uniform(1, 10))
    address = f"10.202.{rng.randrange(256)}.{rng.randrange(256)}"
    path = manage.rstrip("/") + "/cancel/"
    page = await ctx.http.form_page("cancel_page", path, address=address)
    if page is None:
        return
    fields, cookies, _ = page
    reply = await ctx.http.post("cancel_post", path, address=address, form=fields, cookies=cookies)
    if reply is not None and reply.status == 302:
        ctx.ledger.record("book_cancel", email=mail.rcpt, subject=mail.subject)
