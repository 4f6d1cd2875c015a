"""The faults of the storm: when they land (from the seed) and how each is done to the stack.

``plan(seed, minutes, kinds)`` spreads the faults over the run at random times from the
seed, at least one of each kind, and keeps the last part of the run quiet so the work
drains. ``inject(stack, kind, rng)`` does one fault and returns when it is over (a
process killed, a server down and back, the mail server misbehaving for a while); each
is recorded on the stack's timeline with its kind, start, end and which processes it hit.
``run(stack, schedule, rng, stop)`` injects a whole plan: faults on different targets
overlap, those on the same target take turns.
"""

import os
import random
import re
import signal
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from bench.soak.stack import WORKERS, Stack
from tests.support.processes import child_pids, wait_for_port, wait_until

FAULT_KINDS = [
    "worker_pool_kill",
    "worker_main_kill",
    "beat_kill",
    "gunicorn_worker_kill",
    "gunicorn_master_kill",
    "redis_restart",
    "postgres_immediate",
    "smtp_stall",
    "smtp_drop",
    "smtp_421",
    "smtp_451",
    "worker_freeze",
]
# Mail-server faults last this long; settings give a message's retries longer (stack.py).
SMTP_SECONDS = (10, 40)
REDIS_DOWN_SECONDS = (5, 30)
POSTGRES_DOWN_SECONDS = (2, 8)
# A freeze lasts until its batch is taken over (at most FREEZE_LONGEST_S), then the
# workers rest; it waits longer for a batch under way, with the sink normal.
FREEZE_LONGEST_S = 30
WOKEN_QUIET_S = 10
BATCH_WAIT_S = 60
FREEZE_WAIT_S = 120
# The faults that test a send only if one is under way: a stall makes a running batch
# slower than its lease, a freeze has it taken over while it lives.
AWAIT_BATCH = {"smtp_stall", "worker_freeze"}
# The share of the run at the end with no fault, so the work drains and the checks see
# the result of recovery, not recovery under way.
QUIET_TAIL = 0.2
# The first faults wait until the work is under way.
QUIET_HEAD_SECONDS = 20


@dataclass
class FaultEvent:
    kind: str
    started: float
    ended: float
    detail: str


def plan(seed: int, minutes: float, kinds: list[str]) -> list[tuple[float, str]]:
    """(seconds from the start, kind) for each fault: every kind once, more as time allows.

    One fault about every 40 s of the stormy part of the run, at random times from the
    seed; the same seed gives the same plan.
    """
    unknown = set(kinds) - set(FAULT_KINDS)
    if unknown:
        raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
    rng = random.Random(seed)
    stormy = minutes * 60 * (1 - QUIET_TAIL)
    if not kinds or stormy <= QUIET_HEAD_SECONDS:
        return []
    count = max(len(kinds), int(stormy / 40))
    chosen = list(kinds) + [rng.choice(kinds) for _ in range(count - len(kinds))]
    rng.shuffle(chosen)
    times = sorted(rng.uniform(QUIET_HEAD_SECONDS, stormy) for _ in chosen)
    return list(zip(times, chosen, strict=True))


# Faults that act on the same thing take turns; the others overlap freely, so a worker
# may die while PostgreSQL is down and the mail server stalls.
TARGETS = {
    "worker_pool_kill": "workers",
    "worker_main_kill": "workers",
    "beat_kill": "beat",
    "gunicorn_worker_kill": "gunicorn",
    "gunicorn_master_kill": "gunicorn",
    "redis_restart": "redis",
    "postgres_immediate": "postgres",
    "smtp_stall": "sink",
    "smtp_drop": "sink",
    "smtp_421": "sink",
    "smtp_451": "sink",
    "worker_freeze": "workers",
}
# A freeze also keeps the sink normal while it lasts: a batch taking over into a stall or
# a 421 sends nothing, and a woken batch that ignored its token would go unseen.
ALSO_HOLDS = {"worker_freeze": ["sink"]}


def inject(
    stack: Stack, kind: str, rng: random.Random, *, longest: float | None = None
) -> FaultEvent:
    """Do one fault to the stack, wait until it is over, and record it on the timeline.

    ``longest`` shortens a fault that lasts (a server down, the sink misbehaving) to
    about that many seconds, so it is over before the next one on the same target.
    """
    if kind in AWAIT_BATCH:
        # Timed from when it lands, not from the wait for a batch to hit.
        if kind == "worker_freeze":
            _await_batch(stack, wait=FREEZE_WAIT_S, normal_sink=True)
        else:
            _await_batch(stack)
    started = time.time()
    detail = _FAULTS[kind](stack, rng, longest)
    event = FaultEvent(kind=kind, started=started, ended=time.time(), detail=detail)
    stack.timeline.mark(
        "fault", fault=kind, started=event.started, ended=event.ended, detail=event.detail
    )
    return event


def run(
    stack: Stack, schedule: list[tuple[float, str]], rng: random.Random, stop: threading.Event
) -> threading.Thread:
    """Inject ``schedule`` (from ``plan``), timed from now, each fault in a thread of its own;
    the returned thread ends when every fault has. ``stop`` cancels those not yet due.

    A fault on the same target as one still lasting waits for it, and lasts at most until
    the next one on its target is due; one that has fallen due always lands.
    """
    # One generator per fault, drawn in order now, so a seed gives the same faults
    # however the threads interleave.
    draws = [random.Random(rng.random()) for _ in schedule]
    turns = {target: threading.Lock() for target in set(TARGETS.values())}
    began = time.monotonic()

    def one(n: int, at: float, kind: str) -> None:
        if stop.wait(max(0.0, began + at - time.monotonic())):
            return
        later = [t for t, k in schedule[n + 1 :] if TARGETS[k] == TARGETS[kind]]
        with ExitStack() as turn:
            for target in [*ALSO_HOLDS.get(kind, []), TARGETS[kind]]:
                turn.enter_context(turns[target])
            longest = later[0] - (time.monotonic() - began) if later else None
            try:
                inject(stack, kind, draws[n], longest=longest)
            except Exception as error:  # a fault that failed to land is a finding, not a crash
                stack.timeline.mark("fault_failed", fault=kind, error=repr(error))

    def storm() -> None:
        threads = [
            threading.Thread(target=one, args=(n, at, kind), name=f"fault-{kind}", daemon=True)
            for n, (at, kind) in enumerate(schedule)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    thread = threading.Thread(target=storm, name="faults", daemon=True)
    thread.start()
    return thread


def _lasting(rng: random.Random, bounds: tuple[float, float], longest: float | None) -> float:
    """A fault's length drawn within ``bounds``, cut to ``longest`` but never below the
    shortest bound (a 421 spell of a second tests nothing)."""
    seconds = rng.uniform(*bounds)
    return seconds if longest is None else max(bounds[0], min(seconds, longest))


# The faults. Each returns its detail: what it hit (pids) and for how long.


def _sigkill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def _targets(stack: Stack, names, *, children: bool = False) -> dict[str, list[int]]:
    """The named services that are running, with their children (a pool, gunicorn's
    workers); waits for one while they are all being restarted (another fault, Redis)."""

    def found() -> dict[str, list[int]]:
        alive = {
            name: child_pids(stack.services[name].pid)
            for name in names
            if name in stack.services and stack.services[name].running()
        }
        return {name: kids for name, kids in alive.items() if kids or not children}

    return wait_until(found, timeout=90, interval=0.2, what=f"one of {list(names)} to run")


def worker_pool_kill(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGKILL one pool process of a Celery worker (the worker starts a new one)."""
    pools = _targets(stack, WORKERS, children=True)
    name = rng.choice(sorted(pools))
    pid = rng.choice(pools[name])
    _sigkill(pid)
    return f"{name} pool pid {pid}"


def _kill_until_restarted(stack: Stack, name: str) -> str:
    """SIGKILL a service's main process and wait until the supervisor has started it again,
    so the fault's end is the moment the service is back."""
    service = stack.services[name]
    pid = service.pid
    _sigkill(pid)
    wait_until(
        lambda: stack.stopping.is_set() or (service.pid != pid and service.running()),
        timeout=120,
        interval=0.2,
        what=f"the supervisor to restart {name}",
    )
    return f"{name} pid {pid} killed, restarted as pid {service.pid}"


def worker_main_kill(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGKILL a Celery worker's main process; the supervisor ends its pool and restarts it."""
    return _kill_until_restarted(stack, rng.choice(sorted(_targets(stack, WORKERS))))


def beat_kill(stack: Stack, rng: random.Random, longest: float | None) -> str:
    _targets(stack, ["beat"])
    return _kill_until_restarted(stack, "beat")


def gunicorn_worker_kill(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGKILL one gunicorn worker (the master starts a new one)."""
    workers = _targets(stack, ["gunicorn"], children=True)["gunicorn"]
    pid = rng.choice(workers)
    _sigkill(pid)
    return f"gunicorn worker pid {pid} (master {stack.services['gunicorn'].pid})"


def gunicorn_master_kill(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGKILL gunicorn's master; the supervisor ends its workers (they hold the port) and
    starts gunicorn again."""
    workers = _targets(stack, ["gunicorn"])["gunicorn"]
    detail = _kill_until_restarted(stack, "gunicorn")
    wait_for_port(stack.web_port, timeout=120)
    return f"{detail} (its workers {workers} ended with it)"


def redis_restart(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGKILL redis-server, keep it down 5–30 s, start it empty (its queue is lost)."""
    down = _lasting(rng, REDIS_DOWN_SECONDS, longest)
    with stack.holding("redis") as service:
        pid = service.pid
        service.stop(signal.SIGKILL)
        stack.stopping.wait(down)
        if not stack.start_again(service):
            return f"redis pid {pid} killed; the stack stopped meanwhile"
        wait_for_port(stack.redis_port)
    return f"redis pid {pid} killed, down {down:.1f}s, now pid {service.pid}"


def postgres_immediate(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """``pg_ctl stop -m immediate``, down a few seconds, started again (crash recovery)."""
    down = _lasting(rng, POSTGRES_DOWN_SECONDS, longest)
    with stack.holding("postgres") as service:
        pid = service.pid
        stack.postgres_stop_immediate()
        service.process.wait(30)
        stack.stopping.wait(down)
        if not stack.start_again(service):
            return f"postgres pid {pid} stopped; the stack stopped meanwhile"
        stack.wait_for_postgres()
    return f"postgres pid {pid} stopped -m immediate, down {down:.1f}s, now pid {service.pid}"


def worker_freeze(stack: Stack, rng: random.Random, longest: float | None) -> str:
    """SIGSTOP a whole Celery worker (main process and pool) mid-batch, as a stopped VM is,
    until the other worker is sending its batch (its lease ran out; at most
    FREEZE_LONGEST_S), then SIGCONT: the woken batch must find its token gone and stop.
    Woken while the rows are still being sent: a soak batch takes half a second, so after
    a fixed 20-30 s they were recorded sent, and a batch ignoring its token stopped anyway.
    The workers then get no other fault for WOKEN_QUIET_S, so a kill cannot hide it."""
    busy = _sending(stack)
    name = busy[0] if busy else rng.choice(sorted(_targets(stack, WORKERS)))
    group = stack.services[name].pid
    with psycopg.connect(stack.database_url, autocommit=True, connect_timeout=5) as conn:
        os.killpg(group, signal.SIGSTOP)
        frozen = time.monotonic()
        try:
            held = _held_rows(conn)
            taken = False
            while not stack.stopping.is_set():
                taken = _taken_over(conn, held)
                if taken or time.monotonic() - frozen >= FREEZE_LONGEST_S:
                    break
                time.sleep(0.05)
        finally:
            os.killpg(group, signal.SIGCONT)
        seconds = time.monotonic() - frozen
    stack.stopping.wait(WOKEN_QUIET_S)
    doing = "mid-batch" if busy else "no batch running"
    woke = "as its rows were taken over" if taken else "none of its rows taken over"
    return f"{name} (process group {group}, {doing}) stopped for {seconds:.1f}s, woken {woke}"


def _held_rows(conn) -> dict[int, tuple]:
    """The deliveries being sent now: the token of the batch holding each, its lease."""
    sql = "SELECT id, claimed_by, lease_until FROM newsletter_delivery WHERE state = 'sending'"
    return {pk: (token, lease) for pk, token, lease in conn.execute(sql).fetchall()}


def _taken_over(conn, held: dict[int, tuple]) -> bool:
    """True once one of ``held`` is being sent by another batch after its lease ran out (a
    row handed back unsent and claimed again does not count: its lease had not)."""
    if not held:
        return False
    now = datetime.now(UTC)
    sql = "SELECT id, claimed_by FROM newsletter_delivery WHERE id = ANY(%s) AND state = 'sending'"
    return any(
        token != held[pk][0] and held[pk][1] is not None and held[pk][1] < now
        for pk, token in conn.execute(sql, (list(held),)).fetchall()
    )


def _await_batch(
    stack: Stack, *, wait: float = BATCH_WAIT_S, normal_sink: bool = False
) -> list[str]:
    """Wait up to ``wait`` s until a worker runs a newsletter batch (and, if asked, the sink
    has been normal for a second); the workers that do.

    The faults that make a batch slower than its lease or take it over while it lives (a
    stall, a freeze) test the send only if one is under way, so they wait for one."""
    deadline = time.monotonic() + wait

    def ready() -> list[str]:
        if normal_sink and stack.sink.mode() != "normal":
            return []
        busy = _sending(stack)
        if busy and normal_sink:
            time.sleep(1)
            if stack.sink.mode() != "normal":
                return []
            busy = _sending(stack)
        return busy

    busy = ready()
    while not busy and time.monotonic() < deadline and not stack.stopping.is_set():
        time.sleep(0.2)
        busy = ready()
    return busy


def _sending(stack: Stack) -> list[str]:
    """Workers running a send_batch task now, from their logs since they last started."""
    found = []
    for name in WORKERS:
        service = stack.services.get(name)
        if service is None or not service.running():
            continue
        log = (stack.folder / f"{name}.log").read_text(errors="replace")
        current = log[log.rfind(" ready.") :]
        received = set(re.findall(r"send_batch\[([0-9a-f-]+)\] received", current))
        ended = set(re.findall(r"send_batch\[([0-9a-f-]+)\] (?:succeeded|raised|retry)", current))
        if received - ended:
            found.append(name)
    return found


def _smtp(mode: str):
    def fault(stack: Stack, rng: random.Random, longest: float | None) -> str:
        seconds = _lasting(rng, SMTP_SECONDS, longest)
        stack.sink.set_mode(mode, seconds)
        stack.stopping.wait(seconds)
        return f"sink {mode} for {seconds:.1f}s"

    fault.__doc__ = f"The SMTP sink in mode {mode!r} for 10–40 s."
    return fault


_FAULTS = {
    "worker_pool_kill": worker_pool_kill,
    "worker_main_kill": worker_main_kill,
    "beat_kill": beat_kill,
    "gunicorn_worker_kill": gunicorn_worker_kill,
    "gunicorn_master_kill": gunicorn_master_kill,
    "redis_restart": redis_restart,
    "postgres_immediate": postgres_immediate,
    "smtp_stall": _smtp("stall"),
    "smtp_drop": _smtp("drop"),
    "smtp_421": _smtp("421"),
    "smtp_451": _smtp("451"),
    "worker_freeze": worker_freeze,
}
