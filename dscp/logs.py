"""Log formatting: personal links never reach a log, in plain or JSON lines."""

import hashlib
import json
import logging
import re
from contextvars import ContextVar

# A path segment that looks like a link's token: long, from the URL-safe
# alphabet, in mixed case with digits (signed tokens and token_urlsafe() both
# do; slugs are lower case). A token in a log would let anyone who reads the
# log open that person's preferences or booking, so it is replaced by a short
# hash that still matches across lines. Matched by shape, not by route, so a
# token under a mistyped or new path is scrubbed too.
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_:.-]{20,}(?=[/?#\s\"']|$)")


def _looks_like_token(segment: str) -> bool:
    return (
        any(c.isupper() for c in segment)
        and any(c.islower() for c in segment)
        and any(c.isdigit() for c in segment)
    )


def scrub(text: str) -> str:
    """``text`` with every token in a path replaced by the start of its SHA-256."""
    return _TOKEN_SEGMENT.sub(
        lambda m: (
            f"[token {hashlib.sha256(m[0].encode()).hexdigest()[:12]}]"
            if _looks_like_token(m[0])
            else m[0]
        ),
        text,
    )


class ScrubbingFormatter(logging.Formatter):
    """The standard line, tracebacks included, with tokens scrubbed."""

    def format(self, record):
        return scrub(super().format(record))


class JSONFormatter(logging.Formatter):
    """One JSON object per line for a log collector, with the request id, tokens scrubbed."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, ensure_ascii=False))


request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being served, if any."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


def sentry_before_send(event: dict, hint: dict) -> dict:
    """Scrub tokens from what goes to Sentry: the URL, the query and the messages."""
    return json.loads(scrub(json.dumps(event, default=str)))
