"""The one place rich text is cleaned: only these tags and attributes reach a page or an email.

Everything the article editor can produce is allowed; anything pasted in beyond
that (scripts, event handlers, ``javascript:`` links, inline styles, classes,
iframes) is removed rather than rejected, so an editor never loses their text.
An image shows only if it is one staff uploaded for an issue (``IssueImage``):
its address must be in that folder of our own storage, so no pasted image
loads from another site, and none is a tracking pixel.
"""

import re

import nh3
from django.conf import settings
from django.core.files.storage import default_storage

# Where images for an issue's text are stored (``IssueImage.image``).
IMAGE_FOLDER = "newsletter/images/"

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "hr",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_FILE_NAME = re.compile(r"[\w.-]+")


def own_image_src(src: str) -> str | None:
    """The site-relative address of one of our uploaded images, or None for any other address."""
    folder = default_storage.url(IMAGE_FOLDER)
    if src.startswith(settings.SITE_URL + "/"):
        src = src.removeprefix(settings.SITE_URL)  # pasted from a page of ours
    if src.startswith(folder) and _FILE_NAME.fullmatch(src.removeprefix(folder)):
        return src
    return None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag != "img":
        return value
    if attribute == "src":
        return own_image_src(value)
    if attribute in ("width", "height"):
        return value if value.isdigit() and 0 < int(value) <= 2000 else None
    return value


# An image whose address was dropped above has nothing to show.
_IMAGE_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    strip_comments=True,
    # Links open in the same tab and never hand the opener to another site.
    link_rel="noopener noreferrer",
)


def sanitise_html(html: str) -> str:
    """Rich text reduced to the tags, attributes and link schemes above."""
    if not html:
        return ""
    cleaned = _IMAGE_WITHOUT_SRC.sub("", _cleaner.clean(html)).strip()
    # The editor saves an empty document as one empty paragraph.
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned
