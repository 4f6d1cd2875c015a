"""Reading the SMTP sink's record: every message accepted, one JSON line per recipient.

The soak's people read their email here (confirmation links, a booking's manage link), and
the checks count who got what. ``Mailbox`` follows the record as it grows and hands each
new message to whoever waits for that kind of email.
"""

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_string
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlsplit

URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class Mail:
    rcpt: str
    at: float
    subject: str
    message_id: str
    list_id: str
    list_unsubscribe: str
    text: str
    stalled: bool = False  # taken by the sink during a stall, its answer held back

    def paths(self) -> list[str]:
        """The portal paths of the links in the text part, in order."""
        return [urlsplit(url).path for url in URL.findall(self.text)]

    def path_after(self, label: str) -> str | None:
        """The path of the link that follows ``label`` in the text ("Confirm my booking:")."""
        at = self.text.find(label)
        if at < 0:
            return None
        found = URL.search(self.text, at)
        return urlsplit(found.group(0)).path if found else None


def parse(line: str) -> Mail:
    entry = json.loads(line)
    headers = entry.get("headers") or {}
    text = entry.get("text") or entry.get("body") or ""
    if not text and entry.get("raw"):
        text = _text_part(entry["raw"])
    return Mail(
        rcpt=(entry.get("rcpt") or entry.get("recipient") or "").lower(),
        at=float(entry.get("at") or entry.get("time") or 0),
        subject=headers.get("Subject") or entry.get("subject") or "",
        message_id=headers.get("Message-ID") or entry.get("message_id") or "",
        list_id=headers.get("List-Id") or entry.get("list_id") or "",
        list_unsubscribe=headers.get("List-Unsubscribe") or "",
        text=text,
        stalled=bool(entry.get("stalled")),
    )


def _text_part(raw: str) -> str:
    message = message_from_string(raw, policy=default_policy)
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def read_all(record: Path) -> list[Mail]:
    if not record.exists():
        return []
    return [parse(line) for line in record.read_text().splitlines() if line.strip()]


class Mailbox:
    """Follows the sink's record; ``on(prefix, handler)`` gets each new mail whose subject
    starts with ``prefix`` (the handler is a coroutine function, started as a task)."""

    def __init__(self, record: Path):
        self.record = record
        self.offset = 0
        self.count = 0
        self.handlers: list[tuple[str, Callable]] = []
        self.tasks: set[asyncio.Task] = set()

    def on(self, prefix: str, handler: Callable) -> None:
        self.handlers.append((prefix, handler))

    def poll(self) -> int:
        """Read what the sink appended since the last poll; returns how many new messages."""
        if not self.record.exists():
            return 0
        with self.record.open() as f:
            f.seek(self.offset)
            chunk = f.read()
        # Only whole lines: the sink may be half-way through writing the last one.
        complete = chunk[: chunk.rfind("\n") + 1]
        self.offset += len(complete.encode())
        new = 0
        for line in complete.splitlines():
            if not line.strip():
                continue
            mail = parse(line)
            new += 1
            for prefix, handler in self.handlers:
                if mail.subject.startswith(prefix):
                    task = asyncio.create_task(handler(mail))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
        self.count += new
        return new

    async def follow(self, stop: asyncio.Event, every: float = 0.5) -> None:
        while not stop.is_set():
            self.poll()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
        self.poll()
