"""The faults of the storm: when they land (from the seed) and how each is done to the stack.

``plan(seed, minutes, kinds)`` spreads the faults over the run at random times from the
seed, at least one of each kind, and keeps the last part of the run quiet so the work
drains. ``inject(stack, kind, rng)`` does one fault and returns when it is over (a
process killed, a server down and back, the mail server misbehaving for a while); each
is recorded on the stack's timeline with its kind, start, end and which processes it hit.
``run(stack, schedule, rng, stop)`` injects a whole plan in a thread of its own.
"""

import os
import random
import signal
import threading
import time
from dataclasses import dataclass

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
]
# Mail-server faults last this long; settings give a message's retries longer (stack.py).
SMTP_SECONDS = (10, 40)
REDIS_DOWN_SECONDS = (5, 30)
POSTGRES_DOWN_SECONDS = (2, 8)
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


def inject(stack: Stack, kind: str, rng: random.Random) -> FaultEvent:
    """Do one fault to the stack, wait until it is over, and record it on the timeline."""
    started = time.time()
    detail = _FAULTS[kind](stack, rng)
    event = FaultEvent(kind=kind, started=started, ended=time.time(), detail=detail)
    stack.timeline.mark(
        "fault", fault=kind, started=event.started, ended=event.ended, detail=event.detail
    )
    return event


def run(
    stack: Stack, schedule: list[tuple[float, str]], rng: random.Random, stop: threading.Event
) -> threading.Thread:
    """Inject ``schedule`` (from ``plan``) in a thread, timed from now; ``stop`` ends it early.

    Faults come one after another: one that falls due while another lasts waits for it.
    """

    def storm() -> None:
        began = time.monotonic()
        for at, kind in schedule:
            if stop.wait(max(0.0, began + at - time.monotonic())):
                return
            try:
                inject(stack, kind, rng)
            except Exception as error:  # a fault that failed to land is a finding, not a crash
                stack.timeline.mark("fault_failed", fault=kind, error=repr(error))

    thread = threading.Thread(target=storm, name="faults", daemon=True)
    thread.start()
    return thread


# The faults. Each returns its detail: what it hit (pids) and for how long.


def _sigkill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def _running(stack: Stack, names) -> list[str]:
    alive = [name for name in names if name in stack.services and stack.services[name].running()]
    if not alive:
        raise RuntimeError(f"none of {list(names)} is running")
    return alive


def worker_pool_kill(stack: Stack, rng: random.Random) -> str:
    """SIGKILL one pool process of a Celery worker (the worker starts a new one)."""
    for name in rng.sample(_running(stack, WORKERS), k=len(WORKERS)):
        pool = child_pids(stack.services[name].pid)
        if pool:
            pid = rng.choice(pool)
            _sigkill(pid)
            return f"{name} pool pid {pid}"
    raise RuntimeError("no Celery pool process found")


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


def worker_main_kill(stack: Stack, rng: random.Random) -> str:
    """SIGKILL a Celery worker's main process; the supervisor ends its pool and restarts it."""
    return _kill_until_restarted(stack, rng.choice(_running(stack, WORKERS)))


def beat_kill(stack: Stack, rng: random.Random) -> str:
    return _kill_until_restarted(stack, _running(stack, ["beat"])[0])


def gunicorn_worker_kill(stack: Stack, rng: random.Random) -> str:
    """SIGKILL one gunicorn worker (the master starts a new one)."""
    master = stack.services[_running(stack, ["gunicorn"])[0]].pid
    workers = child_pids(master)
    if not workers:
        raise RuntimeError("gunicorn has no workers")
    pid = rng.choice(workers)
    _sigkill(pid)
    return f"gunicorn worker pid {pid} (master {master})"


def gunicorn_master_kill(stack: Stack, rng: random.Random) -> str:
    """SIGKILL gunicorn's master; the supervisor ends its workers (they hold the port) and
    starts gunicorn again."""
    workers = child_pids(stack.services[_running(stack, ["gunicorn"])[0]].pid)
    detail = _kill_until_restarted(stack, "gunicorn")
    wait_for_port(stack.web_port, timeout=120)
    return f"{detail} (its workers {workers} ended with it)"


def redis_restart(stack: Stack, rng: random.Random) -> str:
    """SIGKILL redis-server, keep it down 5–30 s, start it empty (its queue is lost)."""
    down = rng.uniform(*REDIS_DOWN_SECONDS)
    with stack.holding("redis") as service:
        pid = service.pid
        service.stop(signal.SIGKILL)
        stack.stopping.wait(down)
        if not stack.start_again(service):
            return f"redis pid {pid} killed; the stack stopped meanwhile"
        wait_for_port(stack.redis_port)
    return f"redis pid {pid} killed, down {down:.1f}s, now pid {service.pid}"


def postgres_immediate(stack: Stack, rng: random.Random) -> str:
    """``pg_ctl stop -m immediate``, down a few seconds, started again (crash recovery)."""
    down = rng.uniform(*POSTGRES_DOWN_SECONDS)
    with stack.holding("postgres") as service:
        pid = service.pid
        stack.postgres_stop_immediate()
        service.process.wait(30)
        stack.stopping.wait(down)
        if not stack.start_again(service):
            return f"postgres pid {pid} stopped; the stack stopped meanwhile"
        stack.wait_for_postgres()
    return f"postgres pid {pid} stopped -m immediate, down {down:.1f}s, now pid {service.pid}"


def _smtp(mode: str):
    def fault(stack: Stack, rng: random.Random) -> str:
        seconds = rng.uniform(*SMTP_SECONDS)
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
}
