"""The production stack the README describes, on processes the soak owns so it may kill them.

``Stack(folder, timeline=...).start()`` brings up, each in its own process group with its
log in ``folder``: a PostgreSQL cluster of its own (initdb into a temporary folder, run as
the ``postgres`` OS user since PostgreSQL refuses root), a redis-server with no persistence
(a restart loses the broker's queue), the misbehaving SMTP sink (bench/soak/sink.py),
gunicorn with 4 workers (the project's gunicorn.conf.py), two Celery workers of
concurrency 2 and beat; then a supervisor thread that starts again, 2–5 s later, any
process that exits, as systemd's ``Restart=always`` would. ``stop()`` ends them all and
removes the temporary folder; it runs at exit too, so Ctrl-C leaves nothing behind.
"""

import atexit
import contextlib
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import redis

from bench.harness import production_env
from bench.soak.sink import SinkControl
from bench.soak.timeline import Timeline
from tests.support.delivery import FAST_RECOVERY
from tests.support.processes import (
    PYTHON,
    ROOT,
    Service,
    free_port,
    group_pids,
    start_beat,
    start_gunicorn,
    start_redis,
    start_worker,
    wait_for_port,
    wait_until,
)

PG_USER = "postgres"
WORKERS = ("worker1", "worker2")


def _pg_bin() -> Path:
    """PostgreSQL's programs: SOAK_PG_BIN, else the newest Debian-style install, else PATH."""
    if os.environ.get("SOAK_PG_BIN"):
        return Path(os.environ["SOAK_PG_BIN"])
    installs = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    if installs:
        return Path(installs[-1])
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit("soak: PostgreSQL's initdb not found; set SOAK_PG_BIN")
    return Path(initdb).parent


def soak_env(*, database: str, redis_url: str, smtp_port: int, site: str, media: Path) -> dict:
    """Production settings with the short leases of the fault tests, on the soak's services."""
    settings = {
        **FAST_RECOVERY,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # Links in the emails point at the soak's gunicorn, so clients can follow them.
        "SITE_URL": site,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(media),
        # Clients spread over addresses (X-Forwarded-For), as bench/booking_rush.py does.
        "RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR",
        # A message's retries must outlast the mail server's bad spells. The soak runs
        # the retries six times faster than production (10 s, doubling, not 60 s) but
        # its faults at full length (10-40 s each, several in a row), so a message gets
        # eight tries (10-20 minutes) where production's five span 7.5-15 minutes.
        "NEWSLETTER_SEND_RETRY_SECONDS": "10",
        "NEWSLETTER_SEND_MAX_ATTEMPTS": "8",
        "LOG_LEVEL": "INFO",
    }
    return production_env(database=database, redis=redis_url, broker=redis_url, **settings)


class Stack:
    """PostgreSQL, Redis, the SMTP sink, gunicorn, two Celery workers and beat, supervised."""

    def __init__(self, folder: Path, *, timeline: Timeline, seed: int = 0):
        self.folder = folder
        self.timeline = timeline
        folder.mkdir(parents=True, exist_ok=True)
        self.services: dict[str, Service] = {}
        # Services a fault holds down on purpose: the supervisor leaves them alone.
        self.held: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._rng = random.Random(seed + 1)
        self._tmp: Path | None = None
        self.pg_bin = _pg_bin()
        self.pg_port, self.redis_port, self.smtp_port, self.web_port = (
            free_port(),
            free_port(),
            free_port(),
            free_port(),
        )
        self.database_url = f"postgres://{PG_USER}@127.0.0.1:{self.pg_port}/dscp"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.sink_record = folder / "sink.jsonl"
        self.sink = SinkControl(folder / "sink-mode.json")
        self.env = soak_env(
            database=self.database_url,
            redis_url=self.redis_url,
            smtp_port=self.smtp_port,
            site=self.base_url,
            media=folder / "media",
        )

    # Starting and stopping

    def start(self) -> None:
        """Start every service, migrate the database, and start supervising."""
        atexit.register(self.stop)
        if threading.current_thread() is threading.main_thread():
            # A plain kill of the soak runs the same clean-up as Ctrl-C.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            self._start_postgres()
            self.services["redis"] = start_redis(self.redis_port, log=self.folder / "redis.log")
            self.services["redis"].name = "redis"
            self._start_sink()
            with (self.folder / "migrate.log").open("ab") as log:
                subprocess.run(
                    [PYTHON, "manage.py", "migrate", "--noinput"],
                    cwd=ROOT,
                    env=self.env,
                    check=True,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            self.services["gunicorn"] = start_gunicorn(
                env=self.env, port=self.web_port, log=self.folder / "gunicorn.log", workers=4
            )
            for name in WORKERS:
                self.services[name] = start_worker(
                    env=self.env, name=name, log=self.folder / f"{name}.log", concurrency=2
                )
            self.services["beat"] = start_beat(
                env=self.env, log=self.folder / "beat.log", schedule=self.folder / "beat-schedule"
            )
            self.services["beat"].name = "beat"
        except BaseException:
            self.stop()
            raise
        self._supervisor = threading.Thread(target=self._supervise, name="supervisor", daemon=True)
        self._supervisor.start()

    def stop(self) -> None:
        """Stop everything (beat and workers first, PostgreSQL last); logs stay in the folder."""
        with self._lock:
            # From here no thread starts a process again (see start_again).
            self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        order = ["beat", *WORKERS, "gunicorn", "sink", "redis", "postgres"]
        for name in order:
            service = self.services.pop(name, None)
            if service is None:
                continue
            if name == "postgres":
                self._pg_ctl("stop", "-m", "immediate", check=False)
            with contextlib.suppress(Exception):
                service.stop(signal.SIGTERM, timeout=20)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # PostgreSQL

    @property
    def pg_data(self) -> Path:
        assert self._tmp is not None
        return self._tmp / "pg"

    def _start_postgres(self) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="dscp-soak-"))
        shutil.chown(self._tmp, PG_USER, PG_USER)
        subprocess.run(
            [
                str(self.pg_bin / "initdb"),
                "-D",
                str(self.pg_data),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            user=PG_USER,
            group=PG_USER,
            extra_groups=[],
            cwd=self._tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.services["postgres"] = Service(
            [
                str(self.pg_bin / "postgres"),
                "-D",
                str(self.pg_data),
                "-p",
                str(self.pg_port),
                "-k",
                str(self._tmp),
                "-c",
                "listen_addresses=127.0.0.1",
                # Durability is not what the soak tests: an immediate stop is a crash
                # PostgreSQL recovers from by replaying its WAL, fsync or not.
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            log=self.folder / "postgres.log",
            name="postgres",
            user=PG_USER,
        )
        self.wait_for_postgres()
        with psycopg.connect(
            f"postgres://{PG_USER}@127.0.0.1:{self.pg_port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE dscp")

    def wait_for_postgres(self, timeout: float = 60) -> None:
        def accepting() -> bool:
            try:
                with psycopg.connect(
                    f"postgres://{PG_USER}@127.0.0.1:{self.pg_port}/postgres", connect_timeout=2
                ):
                    return True
            except psycopg.OperationalError:
                return False

        wait_until(accepting, timeout=timeout, interval=0.2, what="PostgreSQL")

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            [str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-w", *args],
            user=PG_USER,
            group=PG_USER,
            extra_groups=[],
            cwd=self._tmp,
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def postgres_stop_immediate(self) -> None:
        """``pg_ctl stop -m immediate``: every backend ends at once, as in a crash."""
        self._pg_ctl("stop", "-m", "immediate")

    # The SMTP sink

    def _start_sink(self) -> None:
        # A stall outlasts the client's EMAIL_TIMEOUT, so the client gives up first.
        stall = 3 * int(self.env["EMAIL_TIMEOUT"])
        self.services["sink"] = Service(
            [
                PYTHON,
                "-m",
                "bench.soak.sink",
                "--port",
                str(self.smtp_port),
                "--record",
                str(self.sink_record),
                "--control",
                str(self.sink.path),
                "--stall-seconds",
                str(stall),
            ],
            log=self.folder / "sink.log",
            name="sink",
        )
        wait_for_port(self.smtp_port)

    # Supervision

    @contextlib.contextmanager
    def holding(self, name: str):
        """Keep the supervisor off ``name`` while a fault holds it down on purpose."""
        with self._lock:
            self.held.add(name)
        try:
            yield self.services[name]
        finally:
            with self._lock:
                self.held.discard(name)

    @property
    def stopping(self) -> threading.Event:
        """Set once stop() has begun: a fault waiting on it ends early."""
        return self._stopping

    def start_again(self, service: Service) -> bool:
        """Start a service a fault took down; refused once the stack is stopping, so a
        fault that ends during stop() leaves no process behind."""
        with self._lock:
            if self._stopping.is_set():
                return False
            service.start()
            return True

    def _supervise(self) -> None:
        """Start again, 2–5 s later, any service that exited (systemd's Restart=always)."""
        due: dict[str, float] = {}
        while not self._stopping.wait(0.5):
            for name, service in list(self.services.items()):
                with self._lock:
                    if name in self.held or service.running():
                        continue
                if name not in due:
                    # Whatever the dead process leaves (a pool, gunicorn's workers holding
                    # the port) goes with it, as systemd's KillMode=control-group does.
                    service.kill_group()
                    self.timeline.mark(
                        "exit", name=name, pid=service.pid, code=service.process.returncode
                    )
                    due[name] = time.monotonic() + self._rng.uniform(2, 5)
                elif time.monotonic() >= due[name]:
                    del due[name]
                    with self._lock:
                        if name in self.held or self._stopping.is_set():
                            continue
                        service.start()
                    self.timeline.mark("restart", name=name, pid=service.pid)

    # Readings

    def pids(self) -> dict[str, list[int]]:
        """Every process of each service (main process and children), for memory readings."""
        return {name: group_pids(service.pid) for name, service in self.services.items()}

    def queued_tasks(self) -> int:
        """Tasks waiting in the broker or taken but not yet acknowledged."""
        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        return client.llen("celery") + client.hlen("unacked")

    def drain(self, timeout: float = 600) -> None:
        """Wait until the broker holds no task, no delivery is being sent and no mail task
        waits to run (dscp.outbox keeps each in PostgreSQL until it has)."""

        def drained() -> bool:
            try:
                if self.queued_tasks():
                    return False
                with psycopg.connect(self.database_url, connect_timeout=5) as conn:
                    row = conn.execute(
                        "SELECT (SELECT count(*) FROM newsletter_delivery WHERE state = 'sending')"
                        " + (SELECT count(*) FROM dscp_queuedtask)"
                    ).fetchone()
                    return row[0] == 0
            except (redis.RedisError, psycopg.Error):
                return False

        wait_until(drained, timeout=timeout, interval=1, what="the stack to drain")
