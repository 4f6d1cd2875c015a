"""Benchmark: public pages at scale when an issue goes out, cached and uncached.

Run with ``make bench-pages`` or ``.venv/bin/python bench/pages.py``. It needs the
PostgreSQL and Redis that ``make test`` uses; it creates and drops its own database
(``dscp_bench_pages``) and empties Redis database 11.

The database holds the demo content plus ``manage.py load_scale`` (100 issues, 2,000
articles, 300 courses, 2,000 sessions, 50,000 bookings...). gunicorn runs with 4 sync
workers and the project's ``gunicorn.conf.py``, production settings. For each page
(home, an issue, the course finder, a priority) the client keeps 32 requests in flight
for ``--seconds``, each on a fresh connection, and prints requests per second and
p50/p95 latency:

- cached: the page cache on (``PAGE_CACHE_SECONDS=60``), after one request filled it;
- uncached: the page cache off (``PAGE_CACHE_SECONDS=0``), every request renders;
- 1 conn: uncached with one connection, so the time is rendering, not queueing;
- static: the same page's HTML saved as a file and served by the same gunicorn and
  whitenoise, the ceiling a cache could reach.

Targets (issue 17): cached at least half the static file's requests per second;
uncached p95 under 150 ms at scale.
"""

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness import database_admin, load, percentile, production_env, request, start_gunicorn

DATABASE = "dscp_bench_pages"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/11"
ENV = production_env(database=DATABASE_URL, redis=REDIS_URL, broker=REDIS_URL)
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from priorities.models import Priority  # noqa: E402

STATIC_DIR = Path(settings.STATIC_ROOT) / "bench"


@dataclass
class Measure:
    page: str
    mode: str
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    load: str


async def hammer(port: int, path: str, *, seconds: float, connections: int):
    """Keep ``connections`` requests in flight for ``seconds``; return the replies."""
    deadline = time.perf_counter() + seconds
    replies = []

    async def client():
        while time.perf_counter() < deadline:
            replies.append(await request(port, "GET", path))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return replies, time.perf_counter() - started


def measure(port, page, mode, path, *, seconds, connections) -> Measure:
    asyncio.run(request(port, "GET", path))  # fills the cache, if there is one
    replies, elapsed = asyncio.run(hammer(port, path, seconds=seconds, connections=connections))
    times = [r.seconds * 1000 for r in replies]
    result = Measure(
        page=page,
        mode=mode,
        requests=len(replies),
        per_second=len(replies) / elapsed,
        p50_ms=percentile(times, 50),
        p95_ms=percentile(times, 95),
        errors=sum(1 for r in replies if r.status != 200),
        load=load(),
    )
    print(
        f"  {page:<14} {mode:<9} {result.per_second:>7.1f} req/s  p50 {result.p50_ms:>6.0f} ms  "
        f"p95 {result.p95_ms:>6.0f} ms  ({result.requests} requests, {result.errors} errors, "
        f"load {result.load})",
        flush=True,
    )
    return result


def report(results: list[Measure], *, connections: int, scale: float) -> None:
    print(
        f"\nPages at scale {scale:g}: gunicorn 4 sync workers, {connections} connections, "
        f"{os.cpu_count()} CPUs\n"
    )
    header = (
        f"{'page':<14} {'mode':<9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} "
        f"{'load':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.page:<14} {r.mode:<9} {r.per_second:>7.1f} {r.p50_ms:>7.0f} {r.p95_ms:>7.0f} "
            f"{r.errors:>6} {r.load:>9}"
        )
    print("\nTargets:")
    by = {(r.page, r.mode): r for r in results}
    for page in dict.fromkeys(r.page for r in results):
        cached, static, uncached, alone = (
            by.get((page, m)) for m in ("cached", "static", "uncached", "1 conn")
        )
        if cached and static:
            ratio = cached.per_second / static.per_second
            print(
                f"  {page}: cached / static >= 0.5: {ratio:.2f} "
                f"({'met' if ratio >= 0.5 else 'NOT met'})"
            )
        if uncached:
            print(
                f"  {page}: uncached p95 < 150 ms: {uncached.p95_ms:.0f} ms "
                f"({'met' if uncached.p95_ms < 150 else 'NOT met'}); "
                f"p95 {alone.p95_ms:.0f} ms with one connection"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="load_scale's --scale")
    parser.add_argument("--seconds", type=float, default=5.0, help="per page and mode")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    database_admin(f"CREATE DATABASE {DATABASE}")
    cache.clear()
    services = []
    results = []
    try:
        print(f"Loading the demo and load_scale --scale {args.scale:g}", flush=True)
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("load_scale", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        pages = {
            "home": "/",
            "issue": "/newsletter/december-2023/",
            "course finder": "/training/",
            "priority": Priority.objects.order_by("number").first().get_absolute_url(),
        }
        # The same HTML as files, for whitenoise to serve (it reads STATIC_ROOT at start).
        STATIC_DIR.mkdir(parents=True, exist_ok=True)
        client = Client(HTTP_HOST="127.0.0.1")
        for page, path in pages.items():
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            (STATIC_DIR / f"{page.replace(' ', '-')}.html").write_bytes(response.content)
        connection.close()
        tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        print(f"Logs in {tmp}", flush=True)
        for page_cache in ("60", "0"):
            cache.clear()
            env = {**ENV, "PAGE_CACHE_SECONDS": page_cache}
            server, port = start_gunicorn(env=env, workers=4, log=tmp / "gunicorn.log")
            services.append(server)
            for page, path in pages.items():
                if page_cache != "0":
                    static = f"/static/bench/{page.replace(' ', '-')}.html"
                    for mode, url in (("static", static), ("cached", path)):
                        results.append(
                            measure(
                                port,
                                page,
                                mode,
                                url,
                                seconds=args.seconds,
                                connections=args.connections,
                            )
                        )
                else:
                    # At 32 connections on 4 workers a request mostly waits its turn;
                    # one connection shows what rendering the page costs.
                    for mode, connections in (("uncached", args.connections), ("1 conn", 1)):
                        results.append(
                            measure(
                                port,
                                page,
                                mode,
                                path,
                                seconds=args.seconds,
                                connections=connections,
                            )
                        )
            server.stop(timeout=30)
            services.remove(server)
    finally:
        for service in services:
            service.stop(timeout=30)
        connection.close()
        database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        for file in STATIC_DIR.glob("*.html"):
            file.unlink()
    report(results, connections=args.connections, scale=args.scale)


if __name__ == "__main__":
    main()
