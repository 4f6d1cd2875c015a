"""Sanitised rich text as plain text that reads well in an email's text part."""

import re
from html import unescape
from html.parser import HTMLParser

from django.conf import settings

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr"}


class _TextWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None
        self.link_text: list[str] = []
        self.lists: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            marker = "-"
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}."
            self.parts.append("\n" + "  " * max(0, len(self.lists) - 1) + marker + " ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "tr":
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.link_text = []

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.href is not None:
            text, href = "".join(self.link_text).strip(), self.href
            if href.startswith("/"):
                href = settings.SITE_URL + href
            if href.startswith("mailto:"):
                href = href.removeprefix("mailto:")
            self.parts.append(text if not href or href == text else f"{text} ({href})")
            self.href = None

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        (self.link_text if self.href is not None else self.parts).append(data)


def html_to_text(html: str) -> str:
    """Paragraphs, lists and links (with their addresses) of rich text, as plain text."""
    writer = _TextWriter()
    writer.feed(html or "")
    writer.close()
    text = unescape("".join(writer.parts))
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n[ \t]+(?=[^-\d ])", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
