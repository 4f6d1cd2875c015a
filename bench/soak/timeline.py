"""What happened during a soak, in time order: faults, restarts and metric points.

Every entry is one JSON line in ``timeline.jsonl`` with ``t`` (Unix time) and ``type``
(``mark`` or ``sample``), so a run that dies half-way still leaves what it saw, and the
checks and the picture read the same file the run wrote:

    {"t": 1765143000.1, "type": "mark", "kind": "fault", "fault": "redis_restart",
     "started": 1765142990.0, "ended": 1765143000.1, "detail": "redis pid 4242 killed, down 9.8s"}
    {"t": 1765143001.4, "type": "mark", "kind": "restart", "name": "worker1", "pid": 4301}
    {"t": 1765143002.0, "type": "sample", "series": "page_p95_s", "value": 0.21}

Kinds of mark the stack writes: ``fault`` (one per injected fault, written when it ends,
with ``fault`` one of ``bench.soak.faults.FAULT_KINDS``), ``restart`` (the supervisor
started a process again) and ``exit`` (a managed process exited without being told to).
"""

import json
import threading
import time
from pathlib import Path


class Timeline:
    """A thread-safe, append-only record of a soak run, kept in memory and on disk."""

    def __init__(self, path: Path):
        self.path = path
        self.started = time.time()
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", buffering=1)

    @classmethod
    def read(cls, path: Path) -> "Timeline":
        """A timeline loaded back from its file (for checks or a picture after the run)."""
        timeline = cls.__new__(cls)
        timeline.path = path
        timeline._lock = threading.Lock()
        timeline._file = None
        timeline._entries = [
            json.loads(line) for line in path.read_text().splitlines() if line.strip()
        ]
        timeline.started = min((e["t"] for e in timeline._entries), default=time.time())
        return timeline

    def _write(self, entry: dict) -> dict:
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(json.dumps(entry, default=str) + "\n")
        return entry

    def mark(self, kind: str, **data) -> dict:
        """Record an event (a fault, a restart) at the present moment."""
        return self._write({"t": time.time(), "type": "mark", "kind": kind, **data})

    def sample(self, series: str, value: float) -> dict:
        """Record one point of a metric series (messages/s, bookings/s, page latency)."""
        return self._write({"t": time.time(), "type": "sample", "series": series, "value": value})

    def marks(self, kind: str | None = None) -> list[dict]:
        with self._lock:
            return [
                e
                for e in self._entries
                if e["type"] == "mark" and (kind is None or e["kind"] == kind)
            ]

    def faults(self) -> list[dict]:
        """Every injected fault: ``fault`` (its kind), ``started``, ``ended``, ``detail``."""
        return self.marks("fault")

    def samples(self, series: str) -> list[tuple[float, float]]:
        with self._lock:
            return [
                (e["t"], e["value"])
                for e in self._entries
                if e["type"] == "sample" and e["series"] == series
            ]

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
