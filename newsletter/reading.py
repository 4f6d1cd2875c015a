"""How long an issue takes to read: its words, counted as readers see them, and the minutes."""

import re
from dataclasses import dataclass
from html import unescape

# A word as issue-editor.js counts it too, so the figure does not jump when the page reloads.
_WORD = re.compile(r"\w[\w'’-]*")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Length:
    words: int

    @property
    def minutes(self) -> int:
        # 200 words a minute, a common figure for reading on screen; halves round up.
        return max(1, (self.words + 100) // 200) if self.words else 0

    @property
    def text(self) -> str:
        """2,345 words, about 12 minutes to read."""
        if not self.words:
            return "No text yet"
        minutes = "minute" if self.minutes == 1 else "minutes"
        return f"{self.words:,} words, about {self.minutes} {minutes} to read"


def words_in(html: str) -> int:
    # The words a reader sees: each tag is a space (so paragraphs stay apart), entities decoded.
    return len(_WORD.findall(unescape(_TAG.sub(" ", html or ""))))
