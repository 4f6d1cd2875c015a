"""The soak's checks, once the faults have stopped and the work has drained (issue 22).

Each check prints one line with its figure and returns a ``Check``; the verdict is PASS
only if every check holds. Here: the sends (exactly once, duplicates within the bound the
README states, no one mailed after unsubscribing), nothing stuck, the server's errors and
recovery, worker memory. ``bench.soak.checks_people`` holds bookings and consent.

Figures the checks use, and why:

* A duplicate is one recipient receiving an issue more than once. The README ("Sending and
  crash safety") bounds them: at most the messages of the batches in flight at a hard kill
  or a freeze past the lease, and the message on the wire when a stalled exchange is
  taken over. So each
  duplicate must fall at a fault that can cause one, and each such fault allows at most:
  a pool process killed, one batch; a worker's main process killed, a batch per pool
  process; PostgreSQL stopped, a batch per pool process of every worker (their results
  cannot be written); the mail server stalling mid-message, one message per batch in flight
  for each EMAIL_TIMEOUT the stall lasted; a worker frozen past its lease (SIGSTOP, as a
  stopped VM) is taken over like a dead one, a batch per pool process, but only copies it
  sent before it froze and, once woken, the message each pool process had on the wire:
  it must start no other. Every other fault allows none.
* Server errors (5xx, or no answer) are allowed only from the start of a fault on the web's
  path (WEB_FAULTS) until ERROR_WINDOW_S after it ended; other faults allow none.
"""

import itertools
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dscp.models import QueuedTask
from newsletter.models import Delivery, Issue, Send
from subscriptions.models import Subscription, Suppression

ERROR_WINDOW_S = 30
# The faults a web request can feel: its own process or master killed, or a server it
# reads from (PostgreSQL; Redis for the cache, sessions' rate limits, the broker) down.
WEB_FAULTS = {"gunicorn_worker_kill", "gunicorn_master_kill", "redis_restart", "postgres_immediate"}
ISSUE_IN_MESSAGE_ID = re.compile(r"issue(\d+)@")
# The faults that can make a message go twice (see ``cause``).
# The longest a batch may have been sending before the fault that stopped it: 50 messages,
# each up to EMAIL_TIMEOUT (3 s) against a stalled relay.
BATCH_SPAN_S = 180
DUPLICATING = {
    "worker_pool_kill",
    "worker_main_kill",
    "postgres_immediate",
    "smtp_stall",
    "worker_freeze",
}


@dataclass
class Check:
    name: str
    ok: bool
    figure: str
    problems: list[str] = field(default_factory=list)

    def show(self) -> None:
        print(f"  [{'ok' if self.ok else 'FAIL'}] {self.name}: {self.figure}", flush=True)
        for problem in self.problems[:15]:
            print(f"         - {problem}", flush=True)
        if len(self.problems) > 15:
            print(f"         - … and {len(self.problems) - 15} more", flush=True)


@dataclass
class Stack:
    """What the checks need to know about the stack the run used."""

    workers: int
    concurrency: int


def fault_bound(fault: dict, stack: Stack) -> int:
    """How many messages ``fault`` may make go twice (see the module's docstring)."""
    batch = settings.NEWSLETTER_SEND_BATCH_SIZE
    slots = stack.workers * stack.concurrency
    kind = fault["fault"]
    if kind == "worker_pool_kill":
        return batch
    if kind == "worker_main_kill":
        return batch * stack.concurrency
    if kind == "worker_freeze":
        # Taken over like a dead worker: what its batches sent and had not yet recorded
        # goes again. Woken, a batch finds its token gone and sends nothing more.
        return batch * stack.concurrency
    if kind == "postgres_immediate":
        return batch * slots
    if kind == "smtp_stall":
        stalled = max(fault["ended"] - fault["started"], 0)
        return slots * (math.ceil(stalled / email_timeout()) + 1)
    return 0


def email_timeout() -> float:
    """How long one SMTP step may take before the worker gives it up (EMAIL_TIMEOUT)."""
    return settings.MAILERS["default"]["OPTIONS"].get("timeout", 30)


def cause(copy, again, faults: list[dict]) -> dict | None:
    """The fault that explains why ``copy`` (a message the sink took) went out ``again``.

    A copy the sink took during a stall (it says so) was given up by the worker on
    EMAIL_TIMEOUT: that stall explains it. Any other copy was sent by a batch that never
    recorded it: one killed, frozen or cut off from PostgreSQL after sending it and before
    the copy went again; a batch renews its lease while it sends, so it may have sent the
    copy long before (BATCH_SPAN_S at most here). The first such fault after it is the one.
    """
    if copy.stalled:
        stalls = [
            f
            for f in faults
            if f["fault"] == "smtp_stall" and f["started"] - 1 <= copy.at <= f["ended"] + 1
        ]
        return stalls[0] if stalls else None
    hits = [
        f
        for f in faults
        if f["fault"] in DUPLICATING - {"smtp_stall"}
        and copy.at - BATCH_SPAN_S <= f["started"] <= again.at
        # Sent before the kill or freeze hit it; cut off from PostgreSQL, a batch may send
        # on until its next renewal fails, within the outage.
        and copy.at <= f["ended" if f["fault"] == "postgres_immediate" else "started"] + 1
    ]
    return min(hits, key=lambda f: f["started"]) if hits else None


def too_soon_s() -> float:
    """The least time between two copies of a message the lease allows (two thirds of it,
    less a second for the time the sink takes to record a message once it has started)."""
    return settings.NEWSLETTER_SEND_LEASE_SECONDS * 2 / 3 - 1


def on_the_wire(copy, faults: list[dict]) -> dict | None:
    """The freeze whose woken batch finished ``copy``: the message a frozen pool process had
    on the wire reaches the sink once it wakes (within EMAIL_TIMEOUT), and the batch that
    took its row over sends it too. Each pool process has at most one (``woken``)."""
    for fault in faults:
        stopped = re.search(r"stopped for ([0-9.]+)s", fault.get("detail", ""))
        if fault["fault"] == "worker_freeze" and stopped:
            woke = fault["started"] + float(stopped.group(1))
            if woke <= copy.at <= woke + email_timeout():
                return fault
    return None


def duplicates(copies_by_rcpt: dict, faults: list[dict], stack: Stack, label: str, woken: Counter):
    """Each extra copy with its cause; returns (how many, {fault index: n}, unexplained, lines).
    ``woken`` counts, across sends, the copies each freeze's woken batches finished."""
    twice, explained, unexplained, lines = 0, Counter(), [], []
    for email, copies in copies_by_rcpt.items():
        copies = sorted(copies, key=lambda c: c.at)
        for earlier, again in itertools.pairwise(copies):
            twice += 1
            fault = cause(earlier, again, faults)
            when = _clock([c.at for c in copies])
            wire = on_the_wire(earlier, faults)
            if wire is not None:
                woken[faults.index(wire)] += 1
                if woken[faults.index(wire)] > stack.concurrency:
                    unexplained.append(
                        f"{label}: {email} at {when}: sent by a batch woken from a freeze "
                        f"(more than one message per pool process: it ignored its lost token)"
                    )
                    continue
                fault = wire
            elif again.at - earlier.at < too_soon_s():
                # A batch starts a message only with two thirds of its lease left, so its
                # row can be taken over no sooner: two batches alive held it at once.
                unexplained.append(
                    f"{label}: {email} at {when}: sent again {again.at - earlier.at:.1f} s "
                    f"later, before its lease could have ended (two live batches held it)"
                )
                continue
            if fault is None:
                unexplained.append(f"{label}: {email} at {when}: no fault explains it")
                continue
            explained[faults.index(fault)] += 1
            lines.append(
                f"{label}: {email} at {when}: {fault['fault']} at "
                f"{time.strftime('%H:%M:%S', time.localtime(fault['started']))}"
            )
    return twice, explained, unexplained, lines


def sends(mails, faults: list[dict], stack: Stack, left_before_claim: list[dict]):
    """Exactly once per send, duplicates within the bound, no one mailed after leaving;
    returns the checks, how many went twice, the bound and how many were lost."""
    by_issue: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for mail in mails:
        found = ISSUE_IN_MESSAGE_ID.search(mail.message_id)
        if found:
            by_issue[int(found.group(1))][mail.rcpt].append(mail)
    lost, reached = [], 0
    twice, explained, unexplained, lines, woken = 0, Counter(), [], [], Counter()
    for send in Send.objects.select_related("issue").order_by("pk"):
        received = by_issue.get(send.issue_id, {})
        rows = list(
            Delivery.objects.filter(send=send).values_list(
                "subscriber__email", "state", "last_error"
            )
        )
        for email, state, error in rows:
            email = email.lower()
            if state == Delivery.State.SENT:
                reached += 1
                if email not in received:
                    lost.append(f"send {send.pk}: {email} recorded as sent, never received")
            elif state == Delivery.State.FAILED:
                lost.append(f"send {send.pk}: {email} failed: {error}")
        lost += [
            f"send {send.pk}: {email} mailable at expansion, no delivery" for email in _missed(send)
        ]
        found = duplicates(
            {e: c for e, c in received.items() if len(c) > 1},
            faults,
            stack,
            f"send {send.pk}",
            woken,
        )
        twice += found[0]
        explained.update(found[1])
        unexplained += found[2]
        lines += found[3]
    over = []
    for n, fault in enumerate(faults):
        bound = fault_bound(fault, stack)
        if explained[n] > bound:
            over.append(
                f"{fault['fault']} at {_clock([fault['started']])}: {explained[n]} twice, bound {bound}"
            )
    per_fault = [
        f"{fault['fault']} at {_clock([fault['started']])}: {explained[n]} twice (bound {fault_bound(fault, stack)})"
        for n, fault in enumerate(faults)
        if explained[n]
    ]
    bound = sum(fault_bound(f, stack) for f in faults)
    # A copy that reached them before they left (one a stalled relay took, then the worker
    # gave up on) is no breach; one that arrived after the unsubscribe was answered is.
    leavers = [
        f"send {entry['send_id']}: {entry['email']} unsubscribed while pending at "
        f"{_clock([entry['t']])}, got the issue at {_clock([c.at for c in copies])}"
        for entry in left_before_claim
        for copies in [
            by_issue.get(Send.objects.get(pk=entry["send_id"]).issue_id, {}).get(
                entry["email"].lower(), []
            )
        ]
        if any(c.at > entry["t"] for c in copies)
    ]
    return (
        [
            Check(
                "every send reached every person mailable at its expansion",
                not lost,
                f"{reached} deliveries sent over {len(by_issue)} issues, lost={len(lost)}",
                lost,
            ),
            Check(
                "duplicates only at faults, within the README's bound",
                not unexplained and not over,
                f"twice={twice} (bound {bound})",
                unexplained + over + per_fault + lines,
            ),
            Check(
                "nobody unsubscribed before their batch claimed them got the issue",
                not leavers,
                f"{len(left_before_claim)} unsubscribed while pending, {len(leavers)} mailed",
                leavers,
            ),
        ],
        twice,
        bound,
        len(lost),
    )


def _missed(send: Send) -> list[str]:
    """People active on the send's lists since before it started, still active and not
    suppressed, with no delivery of this issue: the expansion left them out."""
    if send.started_at is None:
        return []
    lists = list(send.lists.values_list("pk", flat=True))
    suppressed = Suppression.objects.values("email_hash")
    missed = (
        Subscription.objects.filter(
            mailing_list__in=lists,
            status=Subscription.Status.ACTIVE,
            status_changed_at__lt=send.started_at,
        )
        .exclude(subscriber__email_hash__in=suppressed)
        .exclude(
            subscriber_id__in=Delivery.objects.filter(issue_id=send.issue_id).values(
                "subscriber_id"
            )
        )
        .values_list("subscriber__email", flat=True)
        .distinct()
    )
    return list(missed)


def _clock(times: list[float]) -> str:
    return ", ".join(time.strftime("%H:%M:%S", time.localtime(t)) for t in times)


def stuck(redis_url: str, release_slack_s: float) -> Check:
    """Every send done, no delivery left sending, queues empty, beat's work caught up."""
    import redis

    from training.models import Booking

    problems = []
    for pk, status in Send.objects.exclude(status=Send.Status.DONE).values_list("pk", "status"):
        problems.append(f"send {pk} is {status}")
    waiting = Delivery.objects.filter(
        state__in=[Delivery.State.SENDING, Delivery.State.PENDING]
    ).count()
    if waiting:
        problems.append(f"{waiting} deliveries still pending or sending")
    broker = redis.Redis.from_url(redis_url)
    queued = broker.llen("celery")
    unacked = broker.hlen("unacked")
    if queued or unacked:
        problems.append(f"Celery: {queued} tasks queued, {unacked} unacknowledged")
    kept = QueuedTask.objects.count()
    if kept:
        problems.append(f"{kept} mail tasks kept in the database never ran")
    late = timezone.now() - _seconds(30)
    overdue_issues = Issue.objects.filter(status=Issue.Status.DRAFT, publish_at__lt=late).count()
    overdue_sends = Send.objects.filter(
        status=Send.Status.SCHEDULED, scheduled_for__lt=late
    ).count()
    lapsed = Booking.objects.filter(
        Booking.AWAITING_CONFIRMATION,
        hold_expires_at__lt=timezone.now() - _seconds(release_slack_s),
    ).count()
    if overdue_issues or overdue_sends:
        problems.append(f"beat behind: {overdue_issues} issues, {overdue_sends} sends overdue")
    if lapsed:
        problems.append(
            f"{lapsed} holds lapsed more than {release_slack_s:.0f} s ago, not released"
        )
    return Check(
        "no task stuck",
        not problems,
        f"sends not done={Send.objects.exclude(status=Send.Status.DONE).count()}, "
        f"deliveries waiting={waiting}, queued={queued}, unacked={unacked}, mail tasks kept={kept}, "
        f"beat overdue={overdue_issues + overdue_sends}, holds past release={lapsed}",
        problems,
    )


def _seconds(s: float) -> timedelta:
    return timedelta(seconds=s)


def server_errors(answers, faults: list[dict]) -> tuple[Check, int]:
    """5xx or no answer, outside [fault start, fault end + ERROR_WINDOW_S] of the faults
    that touch what a web request uses (WEB_FAULTS): a killed worker, beat or a misbehaving
    mail server must not cost a page anything, so they open no window."""
    windows = [
        (f["started"], f["ended"] + ERROR_WINDOW_S) for f in faults if f["fault"] in WEB_FAULTS
    ]
    bad = [a for a in answers if a.status == 0 or a.status >= 500]
    outside = [
        a for a in bad if not any(start <= a.t + a.seconds and a.t <= end for start, end in windows)
    ]
    by_kind = Counter(f"{a.kind} {a.status or 'no answer'}" for a in outside)
    return (
        Check(
            f"no server error outside the {ERROR_WINDOW_S} s after a fault on the web's path",
            not outside,
            f"{len(answers)} requests, {len(bad)} errors, {len(outside)} outside the windows of "
            f"{len(windows)} faults on the web's path",
            [f"{kind}: {n}" for kind, n in by_kind.most_common()]
            + [
                f"{time.strftime('%H:%M:%S', time.localtime(a.t))} {a.kind} {a.status}"
                for a in outside[:10]
            ],
        ),
        len(outside),
    )


def recovery(answers, faults: list[dict]) -> tuple[Check, float]:
    """Per fault kind, seconds from the fault's start until the probe's pages answer again.

    The probe's failures (5xx or no answer) count from the fault's start until the next
    fault starts or ERROR_WINDOW_S after it ended, whichever is first; recovery is when the
    first good answer after the last of them arrived (0 if pages never stopped answering).
    """
    probes = sorted((a for a in answers if a.kind == "probe"), key=lambda a: a.t)
    per_kind: dict[str, list[float]] = defaultdict(list)
    unrecovered = []
    ordered = sorted(faults, key=lambda f: f["started"])
    for n, fault in enumerate(ordered):
        until = fault["ended"] + ERROR_WINDOW_S
        if n + 1 < len(ordered):
            until = min(until, max(ordered[n + 1]["started"], fault["ended"]))
        failed = [
            a
            for a in probes
            if (a.status == 0 or a.status >= 500)
            and a.t + a.seconds >= fault["started"]
            and a.t <= until
        ]
        if not failed:
            per_kind[fault["fault"]].append(0.0)
            continue
        since = failed[-1].t + failed[-1].seconds
        ok = next((a for a in probes if a.status == 200 and a.t >= since), None)
        if ok is None:
            unrecovered.append(
                f"{fault['fault']} at {_clock([fault['started']])}: pages never answered again"
            )
            continue
        per_kind[fault["fault"]].append(ok.t + ok.seconds - fault["started"])
    everything = [s for values in per_kind.values() for s in values]
    p95 = _p95(everything)
    lines = [
        f"{kind}: n={len(v)} max={max(v):.1f}s p95={_p95(v):.1f}s"
        for kind, v in sorted(per_kind.items())
    ]
    return (
        Check(
            "pages answer again after every fault",
            not unrecovered,
            f"recovery p95={p95:.1f}s max={max(everything, default=0):.1f}s over {len(everything)} faults",
            unrecovered + lines,
        ),
        p95,
    )


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def memory(start_kb: dict[str, int], end_kb: dict[str, int]) -> Check:
    """Celery workers' resident memory (main and pool processes) at the end vs the start."""
    start, end = sum(start_kb.values()), sum(end_kb.values())
    ratio = end / start if start else float("nan")
    return Check(
        "worker memory at the end within 20% of the start",
        bool(start) and ratio <= 1.2,
        f"{start / 1024:.0f} MB -> {end / 1024:.0f} MB ({ratio:.2f}x)",
        [
            f"{name}: {start_kb.get(name, 0) / 1024:.0f} -> {end_kb.get(name, 0) / 1024:.0f} MB"
            for name in sorted(set(start_kb) | set(end_kb))
        ],
    )
