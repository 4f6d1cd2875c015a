"""Pytest fixtures for delivery tests: a real Celery worker and beat against an SMTP sink."""

import signal
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.support.processes import (
    Service,
    database_url,
    service_env,
    start_beat,
    start_smtp_sink,
    start_worker,
)
from tests.support.smtp_sink import read_record

# Short leases and timeouts so a killed worker's batch is taken over within
# seconds; the values production uses are in settings and docs/operations.md. A mail
# server step may take at most a third of the lease (settings refuse more).
FAST_RECOVERY = {
    "NEWSLETTER_SEND_BATCH_SIZE": "50",
    "NEWSLETTER_SEND_PARALLEL": "2",
    "NEWSLETTER_SEND_LEASE_SECONDS": "9",
    "EMAIL_TIMEOUT": "3",
    "NEWSLETTER_SEND_RETRY_SECONDS": "1",
    "NEWSLETTER_SEND_BEAT_SECONDS": "1",
    "NEWSLETTER_SEND_WATCHDOG_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "8",
    "SITE_URL": "https://portal.example.org",
    "DEFAULT_FROM_EMAIL": "DSCP <newsletter@portal.example.org>",
    "REPLY_TO_EMAIL": "DSCPSecure@durham.gov.uk",
}


@dataclass
class DeliveryStack:
    tmp: Path
    broker: str
    sink_port: int = 0
    sink: Service | None = None
    services: list[Service] = field(default_factory=list)
    workers: int = 0

    @property
    def record(self) -> Path:
        return self.tmp / "sink.jsonl"

    def env(self, **extra) -> dict:
        return service_env(
            database=database_url(connection.settings_dict),
            broker=self.broker,
            smtp_port=self.sink_port,
            # The worker reads the files this test uploaded (a publish checks its images),
            # unless the test names a folder of its own.
            **{"MEDIA_ROOT": str(settings.MEDIA_ROOT), **FAST_RECOVERY, **extra},
        )

    def start_sink(self, **options) -> None:
        self.sink, self.sink_port = start_smtp_sink(self.record, **options)
        self.services.append(self.sink)

    def start_worker(self, *, concurrency: int = 2, **extra) -> Service:
        self.workers += 1
        worker = start_worker(
            env=self.env(**extra),
            name=f"worker{self.workers}",
            log=self.tmp / f"worker{self.workers}.log",
            concurrency=concurrency,
        )
        self.services.append(worker)
        return worker

    def replace_exited_workers(self) -> None:
        """Do what the process supervisor does in production: start a worker for each that exited.

        A worker can exit on losing its broker (Celery logs "Unrecoverable error").
        """
        for service in list(self.services):
            if service.name.startswith("worker") and service.process.poll() is not None:
                self.services.remove(service)
                self.start_worker()

    def start_beat(self, **extra) -> Service:
        beat = start_beat(
            env=self.env(**extra), log=self.tmp / "beat.log", schedule=self.tmp / "beat-schedule"
        )
        self.services.append(beat)
        return beat

    def task_errors(self) -> list[str]:
        """Tracebacks of tasks that failed in any worker, so a test stops at the first."""
        return [
            line
            for log in self.tmp.glob("worker*.log")
            for line in log.read_text(errors="replace").splitlines()
            if "raised unexpected" in line
        ]

    def saw_broker_lost(self) -> bool:
        """Whether a worker has logged losing its broker, or has exited on it."""
        return any(
            "Connection to broker lost" in log.read_text(errors="replace")
            for log in self.tmp.glob("worker*.log")
        ) or any(
            service.name.startswith("worker") and service.process.poll() is not None
            for service in self.services
        )

    def received(self) -> list[dict]:
        return read_record(self.record)

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.stop(signal.SIGTERM, timeout=30)


@pytest.fixture
def delivery_stack(transactional_db, tmp_path):
    """An SMTP sink plus whatever workers and beat a test starts; all stopped afterwards."""
    # The broker the settings name, so a test that turns off eager mode (a browser
    # journey) publishes where its worker listens; emptied so no task leaks in.
    broker = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker).flushdb()
    stack = DeliveryStack(tmp=tmp_path, broker=broker)
    yield stack
    stack.stop_all()
