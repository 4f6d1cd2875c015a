"""Benchmark: sending a newsletter issue to N subscribers through the real pipeline.

Run with ``make bench`` (sizes 1,000, 10,000 and 50,000), or choose sizes:
``.venv/bin/python bench/send.py --sizes 1000 10000``. It needs the PostgreSQL
and Redis that ``make test`` uses, and prints one table at the end.

For each N, on a PostgreSQL database of its own (``dscp_bench``, created and
dropped here) and a Redis database of its own (14, emptied first):

1. Builds N subscribers on two lists (``tests.newsletter.audience``), then
   ANALYZE, as autovacuum would have done on a live database.
2. Starts an aiosmtpd sink, a real Celery worker (production settings: batches
   of 100, two chains, concurrency 2) and beat; schedules the send for now with
   ``send_create`` and lets beat start it, exactly as the fault tests do.
3. Pipeline rate: messages sent / (``finished_at`` - ``started_at``) of the
   Send, i.e. from the moment its status leaves "scheduled" to DONE, including
   expansion. The sink's record checks everyone got exactly one message.
4. Queries per message, measured in the worker: ``bench.worker_queries`` counts
   every query each task ran through Django (as ``django_assert_num_queries``
   does); the send_expand and send_batch queries are divided by messages sent.
   It also counts the database and SMTP connections those tasks opened.
5. Worker peak memory: the sum of VmHWM (peak resident set) over the worker's
   main process and its pool processes, read from /proc every 0.2 s while it
   runs. "idle" is their resident memory when the worker reported ready.
6. Raw limit: with the worker stopped, the same N messages, rendered by the
   pipeline's own code (``batches._message``) in chunks of 1,000 before timing,
   are sent by a plain ``smtplib`` loop over one connection to a fresh sink of
   the same kind. Only the sending is timed. ratio = pipeline / raw.

``--message small`` (the default) sends a three-article issue of about 5 KB, the
size other newsletter tools are measured with; ``--message full`` the December 2023
demo issue. The table prints each message's size and the load average beside the ratio.

Targets (issues 6 and 17): ratio >= 0.8 at N = 10,000; queries per message < 0.1;
worker peak memory at N = 50,000 within 10% of N = 1,000.
"""

import argparse
import email.policy
import json
import os
import signal
import smtplib
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from itertools import batched
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dscp_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

os.environ.update(
    DJANGO_SETTINGS_MODULE="dscp.settings",
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    CELERY_TASK_ALWAYS_EAGER="false",
    # Links as long as production's, so messages are the size they will be.
    SITE_URL="https://portal.example.org",
    # Beat picks the send up within a second; the timing starts only then.
    NEWSLETTER_SEND_BEAT_SECONDS="1",
)
for name, value in {
    "SECRET_KEY": "bench-only-secret-key",
    "ALLOWED_HOSTS": "127.0.0.1",
    "HTTPS": "false",
    "STATIC_MANIFEST": "false",
    "EMAIL_URL": "smtp://127.0.0.1:2525",
}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402

from dscp.emails import RenderedEmail  # noqa: E402
from newsletter.models import Delivery, Issue, Send  # noqa: E402
from newsletter.services import batches, sends  # noqa: E402
from subscriptions.selectors import mailable_subscribers, subscriber_links  # noqa: E402
from tests.newsletter.audience import build_audience  # noqa: E402
from tests.support.processes import (  # noqa: E402
    group_pids,
    memory_kb,
    service_env,
    start_beat,
    start_smtp_sink,
    start_worker,
    wait_until,
)
from tests.support.smtp_sink import read_record  # noqa: E402

DEFAULT_SIZES = [1000, 10_000, 50_000]
RAW_CHUNK = 1000
SEND_TASKS = {"newsletter.tasks.send_expand", "newsletter.tasks.send_batch"}


@dataclass
class Result:
    n: int
    sent: int
    received: int
    duplicates: int
    seconds: float
    raw_seconds: float
    raw_sent: int
    send_queries: int
    batch_queries: list[int]
    connections: int
    smtp_connections: int
    other_queries: int
    load: float
    message_bytes: int
    peak_kb: int
    idle_kb: int

    @property
    def rate(self) -> float:
        return self.sent / self.seconds

    @property
    def raw_rate(self) -> float:
        return self.raw_sent / self.raw_seconds

    @property
    def queries_per_message(self) -> float:
        return self.send_queries / self.sent


# The benchmark's own database and broker


def _postgres(database: str) -> psycopg.Connection:
    url = urlsplit(DATABASE_URL)._replace(path=f"/{database}").geturl()
    return psycopg.connect(url, autocommit=True)


def database_create() -> None:
    name = sql.Identifier(urlsplit(DATABASE_URL).path.lstrip("/"))
    with _postgres("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    call_command("migrate", verbosity=0, interactive=False)


def database_drop() -> None:
    connections.close_all()
    name = sql.Identifier(urlsplit(DATABASE_URL).path.lstrip("/"))
    with _postgres("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def broker_flush() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


# Worker memory from /proc


class MemorySampler(threading.Thread):
    """Keeps the highest VmHWM of each process in a group until stopped."""

    def __init__(self, group: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.group, self.interval = group, interval
        self.peaks: dict[int, int] = {}
        self.idle_kb = sum(memory_kb(pid).get("VmRSS", 0) for pid in group_pids(group))
        self.done = threading.Event()

    def sample(self) -> None:
        for pid in group_pids(self.group):
            hwm = memory_kb(pid).get("VmHWM", 0)
            self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self) -> int:
        self.sample()
        self.done.set()
        self.join()
        return sum(self.peaks.values())


# One size


def run_size(n: int, *, tmp: Path, concurrency: int, message: str) -> Result:
    print(f"\nN = {n:,}: building subscribers", flush=True)
    call_command("flush", interactive=False, verbosity=0)
    broker_flush()
    audience = build_audience(subscribers=n, overlap=n // 10)
    if message == "full":
        # The December 2023 issue as load_demo writes it: every section, images, links.
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        audience.issue = Issue.objects.get(slug="december-2023")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    print(f"N = {n:,}: sending through the pipeline", flush=True)
    send, queries, peak_kb, idle_kb, seconds = run_pipeline(
        audience, tmp=tmp / str(n), concurrency=concurrency
    )
    # The machine may be shared: the load during the run says how far to trust the rates.
    load = os.getloadavg()[0]
    received = Counter(entry["rcpt"] for entry in read_record(tmp / str(n) / "pipeline.jsonl"))
    sent = Delivery.objects.filter(send=send, state=Delivery.State.SENT).count()
    if set(received) != audience.eligible:
        raise SystemExit(f"N = {n}: the sink did not receive the issue for every subscriber")

    print(f"N = {n:,}: sending the same messages with a raw smtplib loop", flush=True)
    raw_sent, raw_seconds, message_bytes = run_raw(send, tmp=tmp / str(n))

    batches = [q["queries"] for q in queries if q["task"] == "newsletter.tasks.send_batch"]
    return Result(
        n=n,
        sent=sent,
        received=len(received),
        duplicates=sum(received.values()) - len(received),
        seconds=seconds,
        raw_seconds=raw_seconds,
        raw_sent=raw_sent,
        send_queries=sum(q["queries"] for q in queries if q["task"] in SEND_TASKS),
        batch_queries=batches,
        connections=sum(q["connections"] for q in queries if q["task"] in SEND_TASKS),
        smtp_connections=sum(q["smtp_connections"] for q in queries if q["task"] in SEND_TASKS),
        other_queries=sum(q["queries"] for q in queries if q["task"] not in SEND_TASKS),
        peak_kb=peak_kb,
        idle_kb=idle_kb,
        load=load,
        message_bytes=message_bytes,
    )


def run_pipeline(audience, *, tmp: Path, concurrency: int):
    """Send to the audience with a real worker and beat; return the send and what was measured."""
    tmp.mkdir()
    query_log = tmp / "queries.jsonl"
    sink, port = start_smtp_sink(tmp / "pipeline.jsonl")
    services = [sink]
    try:
        env = service_env(
            database=DATABASE_URL,
            broker=REDIS_URL,
            smtp_port=port,
            BENCH_QUERY_LOG=str(query_log),
            # As production: the worker keeps its connection between batches (the
            # tests' workers use 0, so a test database can be dropped at once).
            CONN_MAX_AGE="60",
        )
        worker = start_worker(
            env=env,
            name="bench",
            log=tmp / "worker.log",
            concurrency=concurrency,
            extra=("--include", "bench.worker_queries"),
        )
        services.append(worker)
        memory = MemorySampler(worker.process.pid)
        memory.start()
        services.append(start_beat(env=env, log=tmp / "beat.log", schedule=tmp / "beat-schedule"))

        send = sends.send_create(
            issue=audience.issue, lists=audience.lists, by=None, scheduled_for=timezone.now()
        )

        def finished() -> bool:
            errors = [
                line
                for line in (tmp / "worker.log").read_text(errors="replace").splitlines()
                if "raised unexpected" in line
            ]
            if errors:
                raise SystemExit(f"a task failed in the worker: {errors[0]}")
            return Send.objects.get(pk=send.pk).status == Send.Status.DONE

        wait_until(
            finished, timeout=120 + len(audience.eligible) / 20, interval=0.5, what="the send"
        )
        peak_kb = memory.stop()
    finally:
        for service in reversed(services):
            service.stop(signal.SIGTERM, timeout=30)
    send.refresh_from_db()
    queries = [json.loads(line) for line in query_log.read_text().splitlines()]
    seconds = (send.finished_at - send.started_at).total_seconds()
    return send, queries, peak_kb, memory.idle_kb, seconds


def run_raw(send: Send, *, tmp: Path) -> tuple[int, float, int]:
    """Send the same messages with smtplib over one connection; return how many, the
    seconds and the size of the first message on the wire."""
    sink, port = start_smtp_sink(tmp / "raw.jsonl")
    rendered = RenderedEmail(
        subject=send.subject, text=send.text, html=send.html, headers=send.headers
    )
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    recipients = (
        mailable_subscribers(lists=list(send.lists.values_list("pk", flat=True)))
        .only("pk", "email")
        .iterator(chunk_size=RAW_CHUNK)
    )
    sent, seconds, size = 0, 0.0, 0
    try:
        smtp = smtplib.SMTP("127.0.0.1", port)
        for chunk in batched(recipients, RAW_CHUNK, strict=False):
            # Rendered before the clock starts: the raw loop measures only SMTP.
            messages = [
                (
                    subscriber.email,
                    batches._message(
                        send=send,
                        rendered=rendered,
                        to=subscriber.email,
                        links=subscriber_links(subscriber=subscriber),
                        message_id=make_msgid(domain="bench.invalid"),
                        connection=None,
                    )
                    .message(policy=email.policy.SMTP)
                    .as_bytes(),
                )
                for subscriber in chunk
            ]
            size = size or len(messages[0][1])
            started = time.perf_counter()
            for to, data in messages:
                smtp.sendmail(sender, [to], data)
            seconds += time.perf_counter() - started
            sent += len(messages)
        smtp.quit()
    finally:
        sink.stop(signal.SIGTERM, timeout=30)
    if len(read_record(tmp / "raw.jsonl")) != sent:
        raise SystemExit("the raw loop's sink did not record every message")
    return sent, seconds, size


# Report


def report(results: list[Result], *, concurrency: int) -> None:
    print(
        f"\nNewsletter send benchmark: batch size {settings.NEWSLETTER_SEND_BATCH_SIZE}, "
        f"{settings.NEWSLETTER_SEND_PARALLEL} chains per send, worker concurrency {concurrency}, "
        f"{os.cpu_count()} CPUs\n"
    )
    header = (
        f"{'N':>7} {'sent':>7} {'wall s':>7} {'pipeline msg/s':>15} {'raw msg/s':>10} "
        f"{'ratio':>6} {'queries/msg':>12} {'msg/SMTP conn':>14} {'worker peak MB':>15} "
        f"{'idle MB':>8} {'msg KB':>7} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.n:>7,} {r.sent:>7,} {r.seconds:>7.1f} {r.rate:>15.0f} {r.raw_rate:>10.0f} "
            f"{r.rate / r.raw_rate:>6.2f} {r.queries_per_message:>12.3f} "
            f"{r.sent / max(r.smtp_connections, 1):>14.1f} {r.peak_kb / 1024:>15.1f} "
            f"{r.idle_kb / 1024:>8.1f} {r.message_bytes / 1024:>7.1f} {r.load:>5.1f}"
        )
    print(
        "\nmsg/SMTP conn: messages per SMTP connection the worker opened (the raw loop uses one"
        " for all).\nload: the machine's 1-minute load average as the pipeline finished.\n"
    )
    for r in results:
        per_batch = sorted(r.batch_queries)
        print(
            f"N = {r.n:,}: {r.received:,} recipients got the issue, {r.duplicates} twice; "
            f"{r.send_queries:,} queries in send_expand + send_batch "
            f"({len(per_batch)} batch tasks, {per_batch[0]}–{per_batch[-1]} queries each), "
            f"{r.connections} new database connections, {r.smtp_connections:,} SMTP "
            f"connections; {r.other_queries} more queries in beat's housekeeping tasks"
        )

    by_size = {r.n: r for r in results}
    print("\nTargets:")
    if 10_000 in by_size:
        ratio = by_size[10_000].rate / by_size[10_000].raw_rate
        r = by_size[10_000]
        print(
            f"  pipeline/raw at N = 10,000 >= 0.8: {ratio:.2f} ({_verdict(ratio >= 0.8)}); "
            f"messages of {r.message_bytes / 1024:.1f} KB, load {r.load:.1f} on {os.cpu_count()} CPUs"
        )
    worst = max(r.queries_per_message for r in results)
    print(f"  queries per message < 0.1: at most {worst:.3f} ({_verdict(worst < 0.1)})")
    if 1000 in by_size and 50_000 in by_size:
        small, large = by_size[1000], by_size[50_000]
        ratio = large.peak_kb / small.peak_kb
        print(
            f"  worker peak memory N = 50,000 / N = 1,000 <= 1.10: {ratio:.3f} "
            f"({_verdict(ratio <= 1.10)}); above idle: "
            f"{(small.peak_kb - small.idle_kb) / 1024:.1f} MB at 1,000, "
            f"{(large.peak_kb - large.idle_kb) / 1024:.1f} MB at 50,000"
        )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=DEFAULT_SIZES, metavar="N")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    parser.add_argument(
        "--message",
        choices=["small", "full"],
        default="small",
        help="small: a three-article issue of about 5 KB, the size other newsletter tools "
        "are measured with; full: the December 2023 demo issue",
    )
    args = parser.parse_args()

    database_create()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="dscp-bench-") as tmp:
            for n in args.sizes:
                result = run_size(
                    n, tmp=Path(tmp), concurrency=args.concurrency, message=args.message
                )
                results.append(result)
                print(
                    f"N = {n:,}: pipeline {result.rate:.0f} msg/s, raw {result.raw_rate:.0f} msg/s,"
                    f" {result.queries_per_message:.3f} queries/msg,"
                    f" worker peak {result.peak_kb / 1024:.1f} MB",
                    flush=True,
                )
    finally:
        database_drop()
        broker_flush()
    report(results, concurrency=args.concurrency)


if __name__ == "__main__":
    main()
