"""The work that runs the whole soak: sends, booking rushes, sign-ups and readers at once.

Each workload is a coroutine in one asyncio loop (``bench.soak.sends``, ``bookings``,
``subscribers``, ``readers``). People use the portal over HTTP through gunicorn and read
their email from the sink; staff actions (an issue published and sent, a session opened)
call the services in this process, on the stack's database, as the admin's pages would.
A database call that meets an outage (PostgreSQL restarting) is tried again, as staff
would press the button again.

Sizes follow the run's length (``Plan``): a 3-minute storm does the same kinds of work,
less of it, so CI can run it.
"""

import asyncio
import contextlib
import logging
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import InterfaceError, OperationalError, connection
from redis import RedisError

from bench.soak.client import Http, Ledger
from bench.soak.mail import Mailbox

logger = logging.getLogger("bench.soak")
# Work after the last fault, so the checks see the stack recovered under load.
QUIET_AFTER_S = 20


@dataclass(frozen=True)
class Plan:
    """How much work a run of ``minutes`` does."""

    minutes: float
    subscribers: int  # on the two lists every issue goes to
    send_every_s: float
    rush_every_s: float
    rush_clients: int
    signup_every_s: float
    readers: int

    @classmethod
    def for_minutes(cls, minutes: float) -> "Plan":
        short = minutes < 10
        return cls(
            minutes=minutes,
            subscribers=1200 if short else 3000,
            send_every_s=40 if short else 180,
            rush_every_s=60 if short else 150,
            rush_clients=150 if short else 250,
            signup_every_s=1.5 if short else 1.0,
            readers=3,
        )


class Context:
    """What every workload shares: the clock, the ledger, HTTP, the mailbox, the database."""

    def __init__(self, *, plan: Plan, port: int, sink_record: Path, timeline, work_seconds: float):
        self.plan = plan
        self.ledger = Ledger()
        self.http = Http(port, self.ledger)
        self.mailbox = Mailbox(sink_record)
        self.timeline = timeline
        self.started = time.time()
        self.ends = self.started + work_seconds
        self.stop = asyncio.Event()
        self.facts: dict = {}  # setup's ids: lists, staff user, base audience
        self.crashed: list[str] = []  # workloads that died, and why
        # Whether planned faults are still to land (set by the caller), and when they ended.
        self.faults_pending = None
        self.faults_ended: float | None = None

    def stopping(self) -> bool:
        """The work's time is up, and no planned fault is still to come or under way: faults
        land one after another, so a long one can push the last past the planned length;
        the work goes on until QUIET_AFTER_S after the last has ended, so it meets them all."""
        if self.stop.is_set():
            return True
        if self.faults_pending is not None and self.faults_pending():
            return False
        if self.faults_pending is not None and self.faults_ended is None:
            self.faults_ended = time.time()
            self.ends = max(self.ends, self.faults_ended + QUIET_AFTER_S)
        return time.time() >= self.ends

    async def sleep(self, seconds: float) -> None:
        """Sleep, waking early when the work stops."""
        left = self.ends - time.time()
        if self.faults_pending is not None and self.faults_pending():
            left = seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), max(0.0, min(seconds, left)))

    async def db(self, fn, *args, patience: float = 120, **kwargs):
        """Run ``fn`` on the database in a thread, again after an outage, for up to ``patience`` s."""
        return await asyncio.to_thread(in_database, fn, *args, patience=patience, **kwargs)


def in_database(fn, *args, patience: float = 120, **kwargs):
    deadline = time.monotonic() + patience
    while True:
        try:
            return fn(*args, **kwargs)
        except (OperationalError, InterfaceError, RedisError) as error:
            # Only outages (PostgreSQL, or Redis behind the page cache's version) are
            # tried again; a broken rule is a bug and surfaces.
            if time.monotonic() > deadline:
                raise
            logger.info("database unavailable (%s); trying again", error.__class__.__name__)
            time.sleep(2)
        finally:
            # Each call starts from a fresh connection after a failure, and threads of
            # the pool do not keep connections a restarted server has dropped.
            connection.close()


async def run(ctx: Context) -> None:
    """Every workload until the work's time is up, then the people finish what they started
    (confirming links already emailed) while the stack drains."""
    from bench.soak import bookings, readers, sends, subscribers

    await ctx.db(sends.setup, ctx)
    await ctx.db(bookings.setup, ctx)
    follow = asyncio.create_task(ctx.mailbox.follow(ctx.stop))
    workloads = [
        sends.run(ctx),
        bookings.run(ctx),
        subscribers.run(ctx),
        readers.run(ctx),
        sample(ctx),
    ]
    for name, outcome in zip(
        ["sends", "bookings", "subscribers", "readers", "sample"],
        await asyncio.gather(*workloads, return_exceptions=True),
        strict=True,
    ):
        if isinstance(outcome, BaseException):
            # The other workloads carry on; the verdict fails on a workload that died.
            logger.error("workload %s died", name, exc_info=outcome)
            ctx.crashed.append(f"{name}: {outcome!r}")
    ctx.stop.set()
    await follow
    # Links already emailed are followed; what arrives later is not (the drain's job).
    if ctx.mailbox.tasks:
        await asyncio.wait(list(ctx.mailbox.tasks), timeout=120)


async def sample(ctx: Context, every: float = 5.0) -> None:
    """Points for the timeline picture: messages/s, bookings/s, page latency p95."""
    seen_mail, seen_books, last = ctx.mailbox.count, 0, time.time()
    while not ctx.stopping():
        await ctx.sleep(every)
        now = time.time()
        span = max(now - last, 1e-6)
        books = len(ctx.ledger.of("book"))
        ctx.timeline.sample("messages_per_s", (ctx.mailbox.count - seen_mail) / span)
        ctx.timeline.sample("bookings_per_s", (books - seen_books) / span)
        pages = [a.seconds for a in ctx.ledger.answers_since(last) if a.kind == "page" and a.status]
        if len(pages) >= 2:
            ctx.timeline.sample("page_p95_s", statistics.quantiles(pages, n=20)[-1])
        seen_mail, seen_books, last = ctx.mailbox.count, books, now
