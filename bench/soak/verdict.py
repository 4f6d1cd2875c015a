"""After the storm: wait for the work to drain, run every check, write the report, and say
PASS or FAIL in the one line the README and CI quote."""

import json
import time
from collections import Counter
from pathlib import Path

import redis
from django.db import InterfaceError, OperationalError, connection

from bench.soak import checks, checks_people, report
from bench.soak.mail import read_all
from dscp.models import QueuedTask
from newsletter.models import Delivery, Send

WORKER_CONCURRENCY = 2


def memory_kb(stack) -> dict[str, int]:
    """Resident memory of each Celery worker: its main process and its pool."""
    found = {}
    for name, pids in stack.pids().items():
        if not name.startswith("worker"):
            continue
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        found[name] = total
    return found


def drained(redis_url: str) -> bool:
    try:
        broker = redis.Redis.from_url(redis_url, socket_timeout=5)
        if broker.llen("celery") or broker.hlen("unacked"):
            return False
        if Send.objects.exclude(status=Send.Status.DONE).exists():
            return False
        # Mail tasks kept until they have run (dscp/outbox.py), retries included.
        if QueuedTask.objects.exists():
            return False
        return not Delivery.objects.filter(
            state__in=[Delivery.State.PENDING, Delivery.State.SENDING]
        ).exists()
    except (redis.RedisError, OperationalError, InterfaceError):
        connection.close()
        return False


def drain(stack, timeout: float) -> float:
    """Wait until every send is done and the broker holds nothing; returns the seconds taken."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if drained(stack.redis_url):
            # Messages already handed to the sink are written within moments.
            time.sleep(3)
            break
        time.sleep(2)
    return time.monotonic() - started


def conclude(args, stack, timeline, folder: Path, ctx, memory_start: dict) -> int:
    from bench.soak.__main__ import DRAIN_TIMEOUT_S, RELEASE_SLACK_S

    waited = drain(stack, DRAIN_TIMEOUT_S)
    print(f"soak: drained in {waited:.0f} s", flush=True)
    memory_end = memory_kb(stack)
    faults = timeline.faults()
    mails = read_all(stack.sink_record)
    answers = list(ctx.ledger.answers)
    shape = checks.Stack(workers=2, concurrency=WORKER_CONCURRENCY)
    send_checks, twice, bound, lost_mail = checks.sends(
        mails, faults, shape, ctx.ledger.of("left_before_claim")
    )
    booking_check, lost_bookings = checks_people.bookings(ctx.ledger, mails)
    consent_check, lost_consent = checks_people.consent(ctx.ledger)
    error_check, errors = checks.server_errors(answers, faults)
    recovery_check, p95 = checks.recovery(answers, faults)
    results = [
        *send_checks,
        checks_people.sessions(RELEASE_SLACK_S),
        booking_check,
        consent_check,
        checks.stuck(stack.redis_url, RELEASE_SLACK_S),
        error_check,
        recovery_check,
        checks.memory(memory_start, memory_end),
    ]
    results.append(
        checks.Check(
            "every workload ran to the end",
            not ctx.crashed,
            f"{len(ctx.crashed)} died",
            ctx.crashed,
        )
    )
    kinds = sorted({f["fault"] for f in faults})
    missing = [k for k in args.kinds if k not in kinds]
    failed_faults = timeline.marks("fault_failed")
    results.append(
        checks.Check(
            "every fault kind asked for landed",
            not missing and not failed_faults,
            f"{len(faults)} faults of {len(kinds)} kinds",
            [f"{k} never landed" for k in missing]
            + [f"{m['fault']} failed: {m['error']}" for m in failed_faults],
        )
    )
    summary = Counter(f"{a.kind}:{a.status}" for a in answers)
    print("soak: answers " + " ".join(f"{k}={n}" for k, n in sorted(summary.items())))
    print("soak: told ok " + " ".join(f"{k}={len(v)}" for k, v in sorted(ctx.ledger.told.items())))
    print(
        f"\nsoak: checks (seed {args.seed}, {len(faults)} faults, error window {checks.ERROR_WINDOW_S} s after each)"
    )
    for result in results:
        result.show()
    ok = all(r.ok for r in results)
    lost = lost_mail + lost_bookings + lost_consent
    line = report.final_line(
        minutes=args.minutes,
        faults=len(faults),
        lost=lost,
        twice=twice,
        bound=bound,
        errors=errors,
        p95=p95,
        ok=ok,
    )
    try:
        picture = report.picture(timeline, folder, title=f"Storm soak, seed {args.seed}: {line}")
        print(f"soak: timeline picture {picture}")
    except Exception as error:
        print(f"soak: no picture ({error!r})")
    # What the clients saw and were told, to look into a failure after the stack is gone.
    (folder / "ledger.json").write_text(
        json.dumps({"told": ctx.ledger.told, "answers": [vars(a) for a in answers]}, default=str)
    )
    with (folder / "report.txt").open("w") as out:
        for result in results:
            out.write(f"[{'ok' if result.ok else 'FAIL'}] {result.name}: {result.figure}\n")
            out.writelines(f"    - {p}\n" for p in result.problems)
        out.write(line + "\n")
    print(line, flush=True)
    return 0 if ok else 1
