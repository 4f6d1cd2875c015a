"""Real processes for delivery tests and benchmarks: an SMTP sink, Celery workers, Redis."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float = 60,
    interval: float = 0.1,
    what: str = "condition",
):
    """Poll until ``predicate()`` is truthy and return its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def wait_for_port(port: int, *, timeout: float = 20) -> None:
    def listening():
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, timeout=timeout, what=f"port {port}")


class Service:
    """A child process in its own process group, so a kill reaches all of its children.

    ``user`` runs it as another OS user (PostgreSQL refuses to run as root).
    """

    def __init__(
        self,
        args: list[str],
        *,
        env: dict | None = None,
        log: Path | None = None,
        name: str = "",
        user: str | None = None,
    ):
        self.args, self.env, self.log, self.name, self.user = args, env, log, name, user
        self.start()

    def start(self) -> None:
        """Start the process: at creation, and again after it exited, as a supervisor would."""
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        as_user = {"user": self.user, "group": self.user, "extra_groups": []} if self.user else {}
        try:
            self.process = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_user,
            )
        finally:
            if self.log:
                out.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def kill_group(self) -> None:
        """SIGKILL whatever is left of the process group (as systemd's KillMode=control-group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self, sig: int = signal.SIGTERM, *, timeout: float = 60) -> None:
        """Stop the service and wait for it to exit.

        SIGKILL goes to the whole group at once, like a machine dying. Any other
        signal goes to the main process only, as a process manager would send it:
        a Celery worker then lets its pool finish the running tasks (warm shutdown).
        """
        if self.process.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        # Pool children may outlive a killed parent for a moment; make sure none does.
        self.kill_group()


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): state, ppid, pgrp, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _pids_where(field: int, value: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if int(_stat_fields(entry)[field]) == value:
                pids.append(int(entry))
        except (OSError, IndexError):
            continue
    return pids


def group_pids(group: int) -> list[int]:
    """Processes in a process group: a service's main process and its children (a pool)."""
    return _pids_where(2, group)


def child_pids(pid: int) -> list[int]:
    """A process's direct children (a Celery worker's pool, gunicorn's workers)."""
    return _pids_where(1, pid)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process in kB; empty if it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {
        key: int(value.split()[0])
        for key, value in (line.split(":", 1) for line in lines)
        if key in ("VmHWM", "VmRSS")
    }


def start_smtp_sink(
    record: Path, *, port: int | None = None, tempfail=(), reject=(), keep_raw=False
) -> tuple[Service, int]:
    port = port or free_port()
    args = [PYTHON, "-m", "tests.support.smtp_sink", "--port", str(port), "--record", str(record)]
    for pattern, times in tempfail:
        args += ["--tempfail", pattern, str(times)]
    for pattern in reject:
        args += ["--reject", pattern]
    if keep_raw:
        args.append("--keep-raw")
    sink = Service(args, log=record.with_suffix(".log"))
    wait_for_port(port)
    return sink, port


def start_redis(port: int, *, log: Path) -> Service:
    """A throwaway redis-server with no persistence, like the one a broker restart loses."""
    redis = Service(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        log=log,
    )
    wait_for_port(port)
    return redis


def database_url(settings_dict: dict) -> str:
    """The URL of the database the test process is using (the test database)."""
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


def start_worker(
    *, env: dict, name: str, log: Path, concurrency: int = 2, extra: tuple[str, ...] = ()
) -> Service:
    args = [
        CELERY,
        "-A",
        "dscp",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *extra,
    ]
    worker = Service(args, env=env, log=log, name=name)
    wait_until(
        lambda: log.exists() and b"ready." in log.read_bytes(),
        timeout=60,
        what=f"worker {name} ready",
    )
    return worker


def start_gunicorn(*, env: dict, port: int, log: Path, workers: int = 2) -> Service:
    """gunicorn as production runs it: gunicorn.conf.py from the project folder (preloaded app)."""
    gunicorn = Service(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        log=log,
        name="gunicorn",
    )
    wait_for_port(port, timeout=60)
    return gunicorn


def start_beat(*, env: dict, log: Path, schedule: Path) -> Service:
    return Service(
        [CELERY, "-A", "dscp", "beat", "--loglevel", "INFO", "--schedule", str(schedule)],
        env=env,
        log=log,
    )


def service_env(*, database: str, broker: str, smtp_port: int, **extra: str) -> dict:
    """Environment for a worker or beat that talks to the test database, broker and sink."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CONN_MAX_AGE": "0",
    }
    env.update(extra)
    return env
