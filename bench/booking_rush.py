"""Benchmark: a booking rush over HTTP, as when a popular course opens.

Run with ``make bench-booking`` or ``.venv/bin/python bench/booking_rush.py``. It needs
the PostgreSQL and Redis that ``make test`` uses; it creates and drops its own
database (``dscp_bench_rush``) and empties Redis databases 12 and 13.

Production settings: DEBUG off, gunicorn with 4 sync workers and the project's
``gunicorn.conf.py``, a real Celery worker sending the confirmation links to an SMTP sink,
PostgreSQL and Redis, the default rate limits. Each run, on fresh sessions:

1. every client loads the booking page (32 at a time), keeping its CSRF cookie, token
   and form key: "page loads/s";
2. all clients post the form at once, each on a fresh connection, each asking for a
   place; winners are redirected (302), losers get the short waiting-list page;
3. every loser takes the waiting list from that page, again all at once.

Runs: 200 clients for 1 session of 20 and 500 for 10 sessions of 20, each client
from its own address (``X-Forwarded-For``, read as the client address here), and
200 for 20 all from one address, as one council's offices behind one NAT.

Exactness is checked in the database after each run: no session over capacity and
every place taken, one booking per email, each waiting list numbered 1..k in the
order it was joined, every winner holding a place. "bookings/s while places remained" is
places / (last winner's answer - the moment the posts were released).
"""

import argparse
import asyncio
import html
import os
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from harness import database_admin, load, percentile, production_env, request, start_gunicorn

from tests.support.processes import service_env, start_smtp_sink, start_worker

DATABASE = "dscp_bench_rush"
DATABASE_URL = os.environ.get(
    "BENCH_RUSH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
)
CACHE_URL = "redis://127.0.0.1:6379/13"
BROKER_URL = "redis://127.0.0.1:6379/12"
ENV = production_env(
    database=DATABASE_URL,
    redis=CACHE_URL,
    broker=BROKER_URL,
    # The clients' addresses arrive as a proxy would pass them.
    RATELIMIT_IP_META_KEY="HTTP_X_FORWARDED_FOR",
)
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from training.models import Agency, Booking, Course, Session  # noqa: E402

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RUNS = {
    "200 -> 1 x 20": (200, 1, False),
    "500 -> 10 x 20": (500, 10, False),
    "200 -> 1 x 20, one address": (200, 1, True),
}
CAPACITY = 20


@dataclass
class Result:
    name: str
    clients: int
    places: int
    page_loads_per_s: float
    bookings_per_s: float
    requests_per_s: float
    winners_p50: float
    winners_p95: float
    all_p50: float
    all_p95: float
    statuses: Counter
    waitlisted: int
    exact: str
    load: str


def sessions_for_run(n: int, tag: str) -> list[Session]:
    course = Course.objects.create(
        title=f"Rush course {tag}", slug=f"rush-{tag}", summary="Popular.", description="Popular."
    )
    starts = timezone.now() + timedelta(days=30)
    return [
        Session.objects.create(
            course=course,
            starts_at=starts + timedelta(days=i),
            ends_at=starts + timedelta(days=i, hours=3),
            venue="County Hall, Durham",
            capacity=CAPACITY,
        )
        for i in range(n)
    ]


def _fields(page: bytes) -> dict:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page.decode())}


async def rush(port: int, sessions: list[Session], clients: int, one_address: bool, agency: int):
    address = [
        "10.9.9.9" if one_address else f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"
        for i in range(clients)
    ]
    paths = [f"/training/sessions/{sessions[i % len(sessions)].pk}/book/" for i in range(clients)]

    # 1. Load the booking page.
    slots = asyncio.Semaphore(32)

    async def load_page(i):
        async with slots:
            return await request(port, "GET", paths[i], headers={"X-Forwarded-For": address[i]})

    started = time.perf_counter()
    pages = await asyncio.gather(*(load_page(i) for i in range(clients)))
    page_seconds = time.perf_counter() - started
    if any(p.status != 200 for p in pages):
        raise SystemExit(f"booking page: {Counter(p.status for p in pages)}")

    # 2. Everyone posts at once.
    gate = asyncio.Event()
    posts = []
    for i, page in enumerate(pages):
        form = _fields(page.body) | {
            "name": f"Person {i}",
            "email": f"person{i}@example.org",
            "agency": str(agency),
            "job_role": "Health Visitor",
            "waitlist": "False",
        }
        posts.append(
            asyncio.create_task(
                request(
                    port,
                    "POST",
                    paths[i],
                    form=form,
                    headers={"X-Forwarded-For": address[i]},
                    cookies={"csrftoken": page.cookies["csrftoken"]},
                    gate=gate,
                )
            )
        )
    await asyncio.sleep(0.5)  # every task is waiting at the gate
    released = time.perf_counter()
    gate.set()
    replies = await asyncio.gather(*posts)

    # 3. The losers take the waiting list from the short page.
    joins = []
    for i, reply in enumerate(replies):
        if reply.status == 200 and b"Join the waiting list" in reply.body:
            joins.append(
                request(
                    port,
                    "POST",
                    paths[i],
                    form=_fields(reply.body),
                    headers={"X-Forwarded-For": address[i]},
                    cookies={"csrftoken": pages[i].cookies["csrftoken"]},
                )
            )
    joined = await asyncio.gather(*joins)
    return page_seconds, released, replies, joined


def check(sessions: list[Session], winners: int, waitlisted: int) -> str:
    problems = []
    for session in sessions:
        bookings = list(session.bookings.order_by("pk"))
        # A winner's place is held until they follow the emailed link; it counts as taken.
        held = [b for b in bookings if b.status in Booking.COUNTS_AGAINST_CAPACITY]
        queue = [b.waitlist_position for b in bookings if b.status == Booking.Status.WAITLISTED]
        if len(held) != session.capacity:
            problems.append(f"session {session.pk}: {len(held)} places for {session.capacity}")
        if queue != list(range(1, len(queue) + 1)):
            problems.append(f"session {session.pk}: waiting list not 1..{len(queue)} in order")
        if len({b.email.lower() for b in bookings}) != len(bookings):
            problems.append(f"session {session.pk}: an email booked twice")
    taken = Booking.objects.filter(
        session__in=sessions, status__in=Booking.COUNTS_AGAINST_CAPACITY
    ).count()
    if taken != winners:
        problems.append(f"{winners} people told a place was held, {taken} held")
    queued = Booking.objects.filter(session__in=sessions, status=Booking.Status.WAITLISTED).count()
    if queued != waitlisted:
        problems.append(f"{waitlisted} told they were waiting, {queued} waiting")
    return "yes" if not problems else "NO: " + "; ".join(problems)


def run(name: str, port: int, agency: int) -> Result:
    clients, n_sessions, one_address = RUNS[name]
    cache.clear()  # rate-limit counts from the run before
    sessions = sessions_for_run(n_sessions, tag=str(time.time_ns()))
    page_seconds, released, replies, joined = asyncio.run(
        rush(port, sessions, clients, one_address, agency)
    )
    connection.close()
    winners = [r for r in replies if r.status == 302]
    waitlisted = sum(1 for r in joined if r.status == 302)
    places = CAPACITY * n_sessions
    last_winner = max((r.finished for r in winners), default=released)
    end = max(r.finished for r in replies)
    result = Result(
        name=name,
        clients=clients,
        places=places,
        page_loads_per_s=clients / page_seconds,
        bookings_per_s=len(winners) / (last_winner - released) if winners else 0.0,
        requests_per_s=len(replies) / (end - released),
        winners_p50=percentile([r.finished - released for r in winners], 50),
        winners_p95=percentile([r.finished - released for r in winners], 95),
        all_p50=percentile([r.finished - released for r in replies], 50),
        all_p95=percentile([r.finished - released for r in replies], 95),
        statuses=Counter(r.status for r in replies),
        waitlisted=waitlisted,
        exact=check(sessions, len(winners), waitlisted),
        load=load(),
    )
    print(
        f"{name}: {len(winners)} booked, {waitlisted} on the waiting list, "
        f"statuses {dict(result.statuses)}, exact: {result.exact}",
        flush=True,
    )
    return result


def report(results: list[Result], workers: int) -> None:
    print(
        f"\nBooking rush: gunicorn {workers} sync workers, a Celery worker, PostgreSQL, Redis, "
        f"{os.cpu_count()} CPUs; times from the moment the posts were released\n"
    )
    header = (
        f"{'run':<28} {'pages/s':>8} {'bookings/s':>11} {'req/s':>6} {'win p50':>8} "
        f"{'win p95':>8} {'all p50':>8} {'all p95':>8} {'statuses':<22} {'exact':<5} {'load':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(r.statuses.items()))
        print(
            f"{r.name:<28} {r.page_loads_per_s:>8.1f} {r.bookings_per_s:>11.1f} "
            f"{r.requests_per_s:>6.1f} {r.winners_p50:>8.2f} {r.winners_p95:>8.2f} "
            f"{r.all_p50:>8.2f} {r.all_p95:>8.2f} {statuses:<22} {r.exact[:5]:<5} {r.load:>9}"
        )
    print(
        "\nstatuses: 302 a place (or the queue), 200 the short waiting-list page, 429 refused "
        "by a rate limit.\nload: the 1- and 5-minute load average after the run.\n\nTargets:"
    )
    by_name = {r.name: r for r in results}
    for name, target in (("200 -> 1 x 20", 40), ("500 -> 10 x 20", 75)):
        if name in by_name:
            got = by_name[name].bookings_per_s
            print(
                f"  {name}: bookings/s >= {target}: {got:.1f} ({'met' if got >= target else 'NOT met'})"
            )
    pages = min(r.page_loads_per_s for r in results)
    print(f"  booking page >= 100 loads/s: {pages:.1f} ({'met' if pages >= 100 else 'NOT met'})")
    print(f"  exact every run: {'met' if all(r.exact == 'yes' for r in results) else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    database_admin(f"CREATE DATABASE {DATABASE}")
    services = []
    try:
        call_command("migrate", verbosity=0)
        agency = Agency.objects.create(name="County Durham and Darlington NHS Foundation Trust")
        connection.close()
        tmp = Path(tempfile.mkdtemp(prefix="booking-rush-"))
        sink, smtp_port = start_smtp_sink(tmp / "mail.jsonl")
        services.append(sink)
        env = {**ENV, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
        services.append(
            start_worker(
                env=service_env(
                    database=DATABASE_URL, broker=BROKER_URL, smtp_port=smtp_port, CONN_MAX_AGE="60"
                ),
                name="rush",
                log=tmp / "worker.log",
                concurrency=1,
            )
        )
        gunicorn, port = start_gunicorn(env=env, workers=args.workers, log=tmp / "gunicorn.log")
        services.append(gunicorn)
        print(f"Logs in {tmp}", flush=True)
        results = [run(name, port, agency.pk) for name in args.runs]
    finally:
        for service in reversed(services):
            service.stop(timeout=30)
        connection.close()
        database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    report(results, args.workers)


if __name__ == "__main__":
    main()
