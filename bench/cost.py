"""Benchmark: what one request costs the server, in CPU and instructions, not wall time.

Run with ``make bench-cost`` or ``.venv/bin/python bench/cost.py``. On a machine others
share, wall-clock figures mean little; the CPU one process spends per request, its
queries, and (``--instructions``, under valgrind's callgrind) the instructions it runs
per request do not move with the load. One process calls Django's WSGI handler in a
loop with production settings (DEBUG off, cached templates, Redis, the page cache off
unless ``--page-cache``), against a database of its own holding the demo and
``load_scale`` (created once, kept for the next run; ``--fresh`` makes it again).

Scenarios: the booking page, a winning booking post, a losing one (the short
waiting-list page), and the four public pages the pages benchmark measures. Each is
warmed up, then run ``--requests`` times. ``--profile`` prints where the time went
(cProfile, by own time) for each scenario.
"""

import argparse
import cProfile
import ctypes
import functools
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from harness import database_admin, production_env

DATABASE_URL = os.environ.get(
    "BENCH_COST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dscp_bench_cost"
)
REDIS_URL = os.environ.get("BENCH_COST_REDIS_URL", "redis://127.0.0.1:6379/10")
SCENARIOS = ["booking page", "booking won", "booking lost", "home", "issue", "courses", "priority"]
# callgrind's client requests, made from Python through a tiny library built on demand:
# counting starts afresh before a scenario's loop and is written out after it.
MARKERS_C = """
#include <valgrind/callgrind.h>
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


def setup_django(page_cache: bool) -> None:
    os.environ.update(
        production_env(
            database=DATABASE_URL,
            redis=REDIS_URL,
            broker=REDIS_URL,
            ALLOWED_HOSTS="testserver",
            PAGE_CACHE_SECONDS="60" if page_cache else "0",
            CELERY_TASK_ALWAYS_EAGER="false",
        )
    )
    import django

    django.setup()


def database_ready(fresh: bool, scale: float) -> None:
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not fresh:
        call_command("migrate", verbosity=0)  # code landed since it was loaded
        return
    database_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    database_admin(f"CREATE DATABASE {name}")

    print(f"Loading the demo and load_scale --scale {scale:g} into {name}", flush=True)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=devnull)
    call_command("load_scale", scale=scale, stdout=devnull)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


class Caller:
    """Calls the WSGI application as gunicorn would, one request at a time."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.n = 0

    def __call__(self, method: str, path: str, *, form: dict | None = None, cookies=None):
        from urllib.parse import urlencode

        self.n += 1
        body = urlencode(form).encode() if form else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path.split("?")[0],
            "QUERY_STRING": path.partition("?")[2],
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": f"10.0.{self.n // 256 % 256}.{self.n % 256}",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        }
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        content = b"".join(self.app(environ, start_response))
        return answer["status"], answer["headers"], content


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def scenarios(call: Caller) -> dict:
    """Each scenario: a function making one request and saying if it answered as expected."""
    import html

    from django.utils import timezone

    from newsletter.models import Issue
    from priorities.models import Priority
    from training.models import Agency, Course, Session

    course = Course.objects.filter(prerequisite=None).first()
    starts = timezone.now() + timedelta(days=40)
    open_session, full_session = (
        Session.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue="County Hall, Durham",
            capacity=capacity,
        )
        for capacity in (1_000_000, 0)
    )
    agency = Agency.objects.first()
    page = call("GET", f"/training/sessions/{open_session.pk}/book/")
    hidden = {k: html.unescape(v) for k, v in HIDDEN.findall(page[2].decode())}
    cookies = {}
    for name, value in page[1]:
        if name == "Set-Cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    posts = iter(range(10**9))

    def post(session):
        i = next(posts)
        form = hidden | {
            "name": f"Person {i}",
            "email": f"cost{time.time_ns()}-{i}@example.org",
            "agency": str(agency.pk),
            "job_role": "Health Visitor",
            "waitlist": "False",
        }
        return call("POST", f"/training/sessions/{session.pk}/book/", form=form, cookies=cookies)

    issue = Issue.objects.filter(slug="december-2023").first() or Issue.objects.first()
    paths = {
        "booking page": lambda: (
            call("GET", f"/training/sessions/{open_session.pk}/book/")[0] == 200
        ),
        "booking won": lambda: post(open_session)[0] == 302,
        "booking lost": lambda: b"Join the waiting list" in post(full_session)[2],
        "home": lambda: call("GET", "/")[0] == 200,
        "issue": lambda: call("GET", issue.get_absolute_url())[0] == 200,
        "courses": lambda: call("GET", "/training/")[0] == 200,
        "priority": lambda: (
            call("GET", Priority.objects.order_by("number").first().get_absolute_url())[0] == 200
        ),
    }
    return paths


def markers():
    """The callgrind markers when running under valgrind, else None."""
    if not os.environ.get("BENCH_COST_CALLGRIND"):
        return None
    build = Path(tempfile.mkdtemp(prefix="cost-markers-"))
    (build / "markers.c").write_text(MARKERS_C)
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", build / "markers.so", build / "markers.c"], check=True
    )
    return ctypes.CDLL(str(build / "markers.so"))


def count(queries: list, execute, sql, params, many, context):
    queries.append(sql)
    return execute(sql, params, many, context)


def measure(args) -> None:
    from django.db import connection

    call = Caller()
    paths = scenarios(call)
    cg = markers()
    print(
        f"{'scenario':<14} {'CPU ms/req':>10} {'queries/req':>11}  "
        f"({args.requests} requests after {args.warmup} to warm up, load "
        f"{os.getloadavg()[0]:.1f})",
        flush=True,
    )
    for name in args.scenarios:
        one = paths[name]
        for _ in range(args.warmup):
            if not one():
                raise SystemExit(f"{name}: not the expected answer")
        profile = cProfile.Profile(time.process_time) if args.profile else None
        queries = []
        # Not CaptureQueriesContext: each request starts by emptying the queries it keeps.
        with connection.execute_wrapper(functools.partial(count, queries)):
            if cg:
                cg.zero()
            started = time.process_time()
            if profile:
                profile.enable()
            for _ in range(args.requests):
                one()
            if profile:
                profile.disable()
            cpu = time.process_time() - started
            if cg:
                cg.dump(name.encode())
        print(
            f"{name:<14} {cpu * 1000 / args.requests:>10.2f} {len(queries) / args.requests:>11.1f}",
            flush=True,
        )
        if profile:
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(*([args.filter] if args.filter else []), args.top)


def instructions(args) -> None:
    """Run the scenarios under callgrind and print instructions per request."""
    if not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    out = Path(tempfile.mkdtemp(prefix="cost-callgrind-"))
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}/cg.out",
        sys.executable,
        __file__,
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--scenarios",
        *args.scenarios,
    ]
    if args.page_cache:
        command.append("--page-cache")
    print(f"callgrind files in {out}", flush=True)
    subprocess.run(
        command,
        env={**os.environ, "BENCH_COST_CALLGRIND": "1", "PYTHONPYCACHEPREFIX": ""},
        check=True,
        stderr=subprocess.DEVNULL,
    )
    print(f"\n{'scenario':<14} {'instructions/req':>17}")
    for dump in sorted(out.glob("cg.out.*"), key=lambda p: int(p.suffix[1:])):
        text = dump.read_text(errors="replace")
        name = re.search(r"^desc: Trigger: Client Request: (.*)$", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if name and total:
            print(f"{name.group(1):<14} {int(total.group(1)) / args.requests:>17,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument("--requests", type=int, default=50, help="measured, per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="per scenario, not measured")
    parser.add_argument("--scale", type=float, default=1.0, help="load_scale's --scale")
    parser.add_argument("--fresh", action="store_true", help="load the database again")
    parser.add_argument("--page-cache", action="store_true", help="serve pages from the cache")
    parser.add_argument("--profile", action="store_true", help="print a cProfile per scenario")
    parser.add_argument("--sort", default="tottime", help="cProfile order (tottime, cumtime)")
    parser.add_argument("--top", type=int, default=25, help="cProfile lines per scenario")
    parser.add_argument("--filter", help="cProfile: only functions whose file matches this")
    parser.add_argument(
        "--instructions", action="store_true", help="instructions per request (callgrind)"
    )
    args = parser.parse_args()
    setup_django(args.page_cache)
    database_ready(args.fresh, args.scale)
    if args.instructions:
        instructions(args)
        return
    from django.core.cache import cache

    cache.clear()  # rate-limit counts and cached fragments from the last run
    measure(args)


if __name__ == "__main__":
    main()
