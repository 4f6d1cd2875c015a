"""The one place rich text is cleaned: only these tags and attributes reach a page or an email.

Everything the article editor can produce is allowed; anything pasted in beyond
that (scripts, event handlers, ``javascript:`` links, inline styles, classes,
iframes) is removed rather than rejected, so an editor never loses their text.
"""

import nh3

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
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    strip_comments=True,
    # Links open in the same tab and never hand the opener to another site.
    link_rel="noopener noreferrer",
)


def sanitise_html(html: str) -> str:
    """Rich text reduced to the tags, attributes and link schemes above."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    # The editor saves an empty document as one empty paragraph.
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned
