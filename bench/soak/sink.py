"""The soak's SMTP server: it records every message it accepts, and misbehaves on request.

Run as a process of its own (the stack starts it), recording as tests/support/smtp_sink.py
does, one JSON line per recipient, plus the text/plain body (confirmation links are read
from it) and, for a message accepted during a stall, ``"stalled": true``:

    python -m bench.soak.sink --port 2525 --record sink.jsonl --control sink-mode.json

What it does at a moment is read from the control file, which ``SinkControl.set_mode``
writes; so the mode survives the sink being restarted, and needs no port of its own:

- ``normal``: accepts every message at once;
- ``stall``: takes the whole message, records it, then hangs before answering DATA for
  longer than the client's EMAIL_TIMEOUT: the client gives up on a message the relay
  has, the one way a relay can make a message arrive twice;
- ``drop``: closes the connection after the message's data, before answering (not recorded);
- ``421``: answers MAIL with 421 and closes the connection, as a relay shutting down;
- ``451``: answers every RCPT with 451, as a relay that is over quota or greylisting.
"""

import argparse
import asyncio
import json
import os
import time
from pathlib import Path

from tests.support.smtp_sink import RecordingHandler, serve

MODES = ("normal", "stall", "drop", "421", "451")


class SinkControl:
    """The soak's handle on the running sink: what it should do, and until when."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple[float, str, float] = (-1.0, "normal", 0.0)

    def set_mode(self, mode: str, seconds: float = 0) -> None:
        """Misbehave as ``mode`` for ``seconds``, then return to normal by itself."""
        if mode not in MODES:
            raise ValueError(f"unknown sink mode {mode!r}; one of {MODES}")
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps({"mode": mode, "until": time.time() + seconds}))
        os.replace(scratch, self.path)  # the sink never reads half a file

    def mode(self) -> str:
        """The mode in force now ("normal" once the last one's time is up)."""
        try:
            changed = self.path.stat().st_mtime
        except FileNotFoundError:
            return "normal"
        if changed != self._seen[0]:
            try:
                wanted = json.loads(self.path.read_text())
                self._seen = (changed, wanted["mode"], wanted["until"])
            except (OSError, ValueError, KeyError):
                return "normal"
        _, mode, until = self._seen
        return mode if time.time() < until else "normal"


class MisbehavingHandler(RecordingHandler):
    """RecordingHandler with the modes above; a mode is read at each SMTP command."""

    def __init__(self, record: Path, control: SinkControl, *, stall_seconds: float):
        super().__init__(record, tempfail=[], reject=[], keep_raw=False, keep_text=True)
        self.control = control
        self.stall_seconds = stall_seconds

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.control.mode() == "421":
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.control.mode() == "451":
            return "451 4.3.0 Temporary local problem, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        mode = self.control.mode()
        if mode == "drop":
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        if mode == "stall":
            self.write(session, envelope, stalled=True)
            await asyncio.sleep(self.stall_seconds)
            return "250 Message accepted for delivery (late)"
        return await super().handle_DATA(server, session, envelope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--control", type=Path, required=True)
    parser.add_argument("--stall-seconds", type=float, default=30)
    args = parser.parse_args()
    handler = MisbehavingHandler(
        args.record, SinkControl(args.control), stall_seconds=args.stall_seconds
    )
    serve(handler, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
