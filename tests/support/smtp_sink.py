"""An SMTP sink that records every message by recipient, for delivery tests and benchmarks.

Run as a process of its own so a test can kill workers without touching it:

    python -m tests.support.smtp_sink --port 2525 --record /tmp/sink.jsonl \
        --tempfail 'slow-' 3 --reject 'gone-'

``--tempfail PATTERN N`` answers 451 to the first N attempts for each recipient
whose address contains PATTERN; ``--reject PATTERN`` answers 550 to them always.
Each accepted message is appended to the record file as one JSON line per
recipient (recipient, the headers the tests check, the time it arrived, the
connection it came over, its text/plain body with ``--keep-text``, and the whole message
when ``--keep-raw`` is given).
"""

import argparse
import asyncio
import json
import signal
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

CHECKED_HEADERS = [
    "From",
    "Date",
    "Reply-To",
    "To",
    "Subject",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
]


class RecordingHandler:
    def __init__(
        self,
        record: Path,
        tempfail: list[tuple[str, int]],
        reject: list[str],
        keep_raw: bool,
        keep_text: bool = False,
    ):
        self.record = record.open("a", buffering=1)
        self.tempfail = tempfail
        self.reject = reject
        self.keep_raw = keep_raw
        self.keep_text = keep_text
        self.attempts: Counter[str] = Counter()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(pattern in address for pattern in self.reject):
            return "550 5.1.1 Mailbox does not exist"
        for pattern, times in self.tempfail:
            if pattern in address:
                self.attempts[address] += 1
                if self.attempts[address] <= times:
                    return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.write(session, envelope)
        return "250 Message accepted for delivery"

    def write(self, session, envelope, **extra) -> None:
        """Append the message to the record, one line per recipient, with ``extra`` fields."""
        message = message_from_bytes(envelope.content, policy=default_policy)
        headers = {
            name: str(message[name]) for name in CHECKED_HEADERS if message[name] is not None
        }
        parts = sorted(
            part.get_content_type() for part in message.walk() if not part.is_multipart()
        )
        text = None
        if self.keep_text:
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
        for recipient in envelope.rcpt_tos:
            entry = {
                "rcpt": recipient,
                "at": time.time(),
                "headers": headers,
                "parts": parts,
                # The client's port tells messages sent over one connection apart.
                "connection": session.peer[1],
                **extra,
            }
            if text is not None:
                entry["text"] = text
            if self.keep_raw:
                entry["raw"] = envelope.content.decode("utf-8", "replace")
            self.record.write(json.dumps(entry) + "\n")


def read_record(path: Path) -> list[dict]:
    """Every message the sink accepted, one entry per recipient."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def serve(handler, *, host: str, port: int) -> None:
    """Answer SMTP on ``host:port`` with ``handler`` until SIGINT or SIGTERM."""
    controller = Controller(handler, hostname=host, port=port, data_size_limit=10_000_000)
    controller.start()
    print(f"smtp sink listening on {host}:{port}", flush=True)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument(
        "--tempfail", nargs=2, action="append", default=[], metavar=("PATTERN", "TIMES")
    )
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--keep-raw", action="store_true")
    parser.add_argument("--keep-text", action="store_true")
    args = parser.parse_args()

    handler = RecordingHandler(
        args.record,
        [(p, int(n)) for p, n in args.tempfail],
        args.reject,
        args.keep_raw,
        args.keep_text,
    )
    serve(handler, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
