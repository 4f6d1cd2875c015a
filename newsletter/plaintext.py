"""Sanitised rich text as plain text that reads well in an email's text part.

The HTML is the editor's, cleaned by ``newsletter.sanitise``, so it holds only
the structures listed there. Each one has a rendering here and a test in
``tests/newsletter/test_plaintext.py``:

- paragraphs and headings are blocks separated by one blank line; a heading is
  underlined with ``~`` so it stands out without markup;
- list items are one line each, ``-`` or ``1.``, even though the editor wraps each
  item's text in a paragraph; nested lists are indented under their item's text;
- a quote has ``> `` before every line;
- a table with a header row reads as ``Header: value`` lines, one group per row,
  which survives proportional fonts and screen readers; a table without one
  reads as its cells separated by `` | ``;
- a link reads as ``text (address)``, with site-relative addresses made absolute;
- an image reads as ``[Image: alt text]``.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings

_VOID = {"br", "hr", "img"}
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "hr",
    "figure",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SPACE = re.compile(r"\s+")


@dataclass
class _Element:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _href(href: str) -> str:
    if href.startswith("/") and not href.startswith("//"):
        return settings.SITE_URL + href
    return href.removeprefix("mailto:")


def _inline(nodes: list) -> str:
    """The text of inline content: spaces collapsed, line breaks kept, links and images spelled out."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(_SPACE.sub(" ", node))
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag == "img":
            alt = _SPACE.sub(" ", node.attrs.get("alt", "")).strip()
            parts.append(f"[Image: {alt}]" if alt else "[Image]")
        elif node.tag == "a":
            text, href = _inline(node.children).strip(), _href(node.attrs.get("href", ""))
            parts.append(text if not href or href == text else f"{text} ({href})" if text else href)
        else:
            parts.append(_inline(node.children))
    lines = "".join(parts).split("\n")
    return "\n".join(line.strip() for line in lines).strip()


def _blocks(nodes: list) -> list[str]:
    """Each block of this content as text, in order; runs of inline content make a paragraph."""
    blocks: list[str] = []
    run: list = []

    def flush():
        text = _inline(run)
        if text:
            blocks.append(text)
        run.clear()

    for node in nodes:
        if isinstance(node, str) or node.tag not in _BLOCKS:
            run.append(node)
            continue
        flush()
        text = _block(node)
        if text:
            blocks.append(text)
    flush()
    return blocks


def _block(element: _Element) -> str:
    tag = element.tag
    if tag in _HEADINGS:
        text = _inline(element.children).replace("\n", " ")
        return f"{text}\n{'~' * len(text)}" if text else ""
    if tag in ("ul", "ol"):
        return _list(element)
    if tag == "li":
        return _list(_Element("ul", children=[element]))
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(element.children))
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n")) if inner else ""
    if tag in ("table", "thead", "tbody", "tfoot", "tr"):
        return _table(element)
    if tag == "hr":
        return "-" * 20
    return "\n\n".join(_blocks(element.children))


def _children(element: _Element, *tags: str) -> list[_Element]:
    return [c for c in element.children if isinstance(c, _Element) and c.tag in tags]


def _list(element: _Element) -> str:
    ordered = element.tag == "ol"
    try:
        number = int(element.attrs.get("start") or 1)
    except ValueError:
        number = 1
    lines: list[str] = []
    for item in _children(element, "li"):
        marker = f"{number}." if ordered else "-"
        number += 1
        # Tight: the editor puts each item's text in a paragraph, which must not
        # become a blank line between the marker and the text.
        body = "\n".join(_blocks(item.children))
        if not body:
            continue
        indent = " " * (len(marker) + 1)
        first, *rest = body.split("\n")
        lines.append(f"{marker} {first}".rstrip())
        lines.extend(f"{indent}{line}".rstrip() for line in rest)
    return "\n".join(lines)


def _rows(element: _Element) -> list[_Element]:
    if element.tag == "tr":
        return [element]
    return [row for part in element.children if isinstance(part, _Element) for row in _rows(part)]


def _cell(cell: _Element) -> str:
    return " ".join(block.replace("\n", " ") for block in _blocks(cell.children))


def _table(element: _Element) -> str:
    rows = [_children(row, "th", "td") for row in _rows(element)]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    if body and all(cell.tag == "th" for cell in header):
        labels = [_cell(cell) for cell in header]
        groups = []
        for row in body:
            lines = []
            for index, cell in enumerate(row):
                value = _cell(cell)
                label = labels[index] if index < len(labels) else ""
                if value:
                    lines.append(f"{label}: {value}" if label else value)
            if lines:
                groups.append("\n".join(lines))
        return "\n\n".join(groups)
    return "\n".join(" | ".join(_cell(cell) for cell in row) for row in rows)


def html_to_text(html: str) -> str:
    """Rich text from the editor as plain text: see the module docstring for each structure."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return "\n\n".join(_blocks(builder.root.children))
