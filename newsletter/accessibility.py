"""The accessibility check staff see before publishing: problems a reader would meet, by article.

It reads the same sanitised HTML the page and email are built from, and finds
what WCAG asks of content (not of code): text for every image, links that say
where they go, and headings that do not skip a level.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from newsletter.sanitise import own_image_src

# Link text that says nothing out of context (WCAG 2.4.4).
VAGUE_LINK_TEXT = {
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "find out more here",
    "this link",
    "link",
    "this",
}
_FILE_NAME = re.compile(r"^[\w-]+\.(jpe?g|png|gif|webp)$|^(image|img|photo|picture)\s*\d*$", re.I)


@dataclass(frozen=True)
class Problem:
    where: str  # "Welcome" or the article's title
    message: str
    article_id: int | None = None


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.messages: list[str] = []
        self.image_srcs: list[str] = []
        self.link_text: list[str] | None = None
        self.heading: tuple[int, list[str]] | None = None
        self.last_level = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.link_text = []
        elif tag == "img":
            alt = (attrs.get("alt") or "").strip()
            self.image_srcs.append(attrs.get("src") or "")
            if not alt:
                self.messages.append("An image has no alternative text: describe what it shows.")
            elif _FILE_NAME.match(alt):
                self.messages.append(
                    f"An image's alternative text is “{alt}”: describe what it shows."
                )
            if self.link_text is not None and alt:
                self.link_text.append(alt)
        elif re.fullmatch(r"h[1-6]", tag):
            self.heading = (int(tag[1]), [])

    def handle_endtag(self, tag):
        if tag == "a" and self.link_text is not None:
            text = " ".join("".join(self.link_text).split())
            if not text:
                self.messages.append("A link has no text: say where it goes.")
            elif text.lower().strip(" .:!") in VAGUE_LINK_TEXT:
                self.messages.append(
                    f"A link says “{text}”: say where it goes instead, e.g. “the CAPVA briefing”."
                )
            self.link_text = None
        elif self.heading and tag == f"h{self.heading[0]}":
            level, words = self.heading
            if self.last_level and level > self.last_level + 1:
                title = " ".join("".join(words).split())
                self.messages.append(
                    f"The heading “{title}” skips a level (from heading {self.last_level} "
                    f"to heading {level}): use the next level down."
                )
            self.last_level, self.heading = level, None

    def handle_data(self, data):
        if self.link_text is not None:
            self.link_text.append(data)
        if self.heading is not None:
            self.heading[1].append(data)


def _scanned(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html or "")
    scanner.close()
    return scanner


def html_problems(html: str) -> list[str]:
    """What is wrong with one piece of rich text, in plain English."""
    return _scanned(html).messages


def image_sources(html: str) -> list[str]:
    """The address of every image placed in one piece of rich text, in order."""
    return _scanned(html).image_srcs


MISSING_IMAGE = (
    "An image in the text is not one of this issue's “Images for the text” (it was deleted, "
    "or belongs to another issue), so readers would see a broken image: remove it, or upload "
    "it under “Images for the text” and place it again."
)


def _missing_images(issue, texts: list[str]) -> list[int]:
    """How many placed images have no file among this issue's uploads, text by text."""
    placed = [image_sources(html) for html in texts]
    if not any(placed):
        return [0] * len(texts)  # nothing placed: no need to read the issue's images
    available = {
        image.image.url
        for image in issue.images.all()
        if image.image.storage.exists(image.image.name)
    }
    return [sum(own_image_src(src) not in available for src in srcs) for srcs in placed]


def issue_accessibility_problems(*, issue, articles) -> list[Problem]:
    """Every problem in an issue's welcome and articles, in reading order."""
    articles = list(articles)
    missing = _missing_images(issue, [issue.introduction, *(a.body for a in articles)])
    problems = [
        Problem(where="Welcome", message=m)
        for m in html_problems(issue.introduction) + [MISSING_IMAGE] * missing[0]
    ]
    if issue.cover_image and _FILE_NAME.match(issue.cover_image_alt.strip()):
        problems.append(
            Problem(where="Cover image", message="Its alternative text looks like a file name.")
        )
    for article, missing_here in zip(articles, missing[1:], strict=True):
        messages = html_problems(article.body) + [MISSING_IMAGE] * missing_here
        if article.image and _FILE_NAME.match(article.image_alt.strip()):
            messages.append(
                f"The article's image has the alternative text “{article.image_alt}”: "
                "describe what it shows."
            )
        if article.link_url and article.link_text.lower().strip(" .:!") in VAGUE_LINK_TEXT:
            messages.append(
                f"The “find out more” link says “{article.link_text}”: say where it goes."
            )
        problems += [
            Problem(where=article.title, message=m, article_id=article.pk) for m in messages
        ]
    return problems
