"""What bench/booking_rush.py and bench/pages.py share: production settings on a database
and Redis of their own, gunicorn as production runs it, and a light HTTP client.

The client is asyncio over raw sockets, one fresh connection per request (gunicorn's
sync workers close each one anyway), so the load generator spends as little of the
machine's CPU as it can: it shares the cores with the server it measures.
"""

import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.processes import Service, free_port, wait_until  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(*, database: str, redis: str, broker: str, **extra: str) -> dict:
    """Settings as production has them (DEBUG off, Redis, a real broker), on bench services."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dscp.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        # Plain HTTP on the loopback; static files by their plain names.
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def start_gunicorn(*, env: dict, workers: int, log: Path) -> tuple[Service, int]:
    """gunicorn with the project's gunicorn.conf.py (preload and warm-up), as production."""
    port = free_port()
    args = [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    service = Service(args, env=env, log=log, name="gunicorn")

    def answering() -> bool:
        if service.process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        try:
            return asyncio.run(request(port, "GET", "/healthz")).status == 200
        except OSError:
            return False

    wait_until(answering, timeout=60, interval=0.2, what="gunicorn")
    time.sleep(2)  # the other workers finish booting before the clock starts
    return service, port


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes
    started: float
    finished: float
    cookies: dict = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.finished - self.started


async def request(
    port: int,
    method: str,
    path: str,
    *,
    form: dict | None = None,
    headers: dict | None = None,
    cookies: dict | None = None,
    gate: asyncio.Event | None = None,
) -> Reply:
    """One HTTP/1.1 request on a fresh connection; waits at ``gate`` before sending it."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    if gate is not None:
        await gate.wait()
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    raw = await reader.read()
    finished = time.perf_counter()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    reply_headers, reply_cookies = {}, {}
    for line in header_lines:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        reply_headers[name] = value
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            reply_cookies[key] = rest.split(";", 1)[0]
    return Reply(
        int(status_line.split()[1]), reply_headers, content, started, finished, reply_cookies
    )


def database_admin(sql: str) -> None:
    """Run CREATE or DROP DATABASE for a benchmark's own database."""
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"
