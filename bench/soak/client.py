"""What the soak's clients share: an HTTP client as light as the benches' and a ledger of
everything each client saw and was told, for the checks to hold the database against.

Every request is one fresh connection to gunicorn (``bench.harness.request``) with a
timeout, from an address of the client's own (``X-Forwarded-For``, read as the client
address by the stack's settings), and is written down: when, what kind of page, the
status (0 when the connection failed or timed out) and how long it took.
"""

import asyncio
import html
import re
import threading
import time
from dataclasses import dataclass, field

from bench.harness import Reply, request

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
# Longer than any page takes on a loaded machine; a request that waits longer is an
# outage (gunicorn's master gone, PostgreSQL down) and counts as a failed answer.
TIMEOUT_S = 30


@dataclass
class Answer:
    t: float  # Unix time the request started
    kind: str  # what was asked: "home", "book_post", "one_click"...
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float


@dataclass
class Ledger:
    """Thread-safe record of every answer, and of every change a client was told succeeded."""

    answers: list[Answer] = field(default_factory=list)
    # What clients were told succeeded, by kind: a list of dicts each.
    told: dict[str, list[dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def record(self, kind: str, **facts) -> None:
        with self._lock:
            self.told.setdefault(kind, []).append({"t": time.time(), **facts})

    def of(self, kind: str) -> list[dict]:
        with self._lock:
            return list(self.told.get(kind, []))

    def answers_since(self, t: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.t >= t]


class Http:
    """The clients' way to the portal: every request timed, recorded and bounded."""

    def __init__(self, port: int, ledger: Ledger):
        self.port = port
        self.ledger = ledger

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        address: str,
        form: dict | None = None,
        cookies: dict | None = None,
        gate: asyncio.Event | None = None,
    ) -> Reply | None:
        """The reply, or None if none came (the outage is recorded as status 0)."""
        if gate is not None:
            await gate.wait()
        started, clock = time.time(), time.perf_counter()
        try:
            reply = await asyncio.wait_for(
                request(
                    self.port,
                    method,
                    path,
                    form=form,
                    headers={"X-Forwarded-For": address},
                    cookies=cookies,
                ),
                TIMEOUT_S,
            )
        except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError):
            # Refused or reset (gunicorn restarting), or a truncated reply.
            self.ledger.answer(Answer(started, kind, 0, time.perf_counter() - clock))
            return None
        self.ledger.answer(Answer(started, kind, reply.status, time.perf_counter() - clock))
        return reply

    async def post(
        self,
        kind: str,
        path: str,
        *,
        address: str,
        form,
        cookies: dict,
        tries: int = 4,
        wait_s: float = 3,
    ) -> Reply | None:
        """POST a form; the first answer that is not a server error, or None.

        No answer or an error page (a fault) has the person press the button again a
        little later, waiting longer each time, as form_page loads a page again.
        """
        for attempt in range(tries):
            if attempt:
                await asyncio.sleep(wait_s * attempt)
            reply = await self.call(kind, "POST", path, address=address, form=form, cookies=cookies)
            if reply is not None and reply.status < 500:
                return reply
        return None

    async def form_page(self, kind: str, path: str, *, address: str, tries: int = 5):
        """GET a page with a form; returns (hidden fields, cookies, reply) or None.

        A page that fails to load (a fault) is loaded again a little later, as a person would.
        """
        for attempt in range(tries):
            reply = await self.call(kind, "GET", path, address=address)
            if reply is not None and reply.status == 200:
                return hidden_fields(reply.body), reply.cookies, reply
            if reply is not None and reply.status < 500 and reply.status != 429:
                return None
            await asyncio.sleep(2 + 2 * attempt)
        return None


def hidden_fields(page: bytes) -> dict:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page.decode())}


def checkbox_values(page: bytes, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page.decode())


def address_for(n: int, block: int) -> str:
    """A client address of its own: block 1..250 keeps workloads apart, n spreads clients."""
    return f"10.{block}.{n // 256 % 256}.{n % 256}"
