import re

from django import template
from django.utils.safestring import mark_safe

from dscp.dates import format_month
from newsletter.plaintext import html_to_text

register = template.Library()

_HEADING = re.compile(r"<(/?)h([1-6])>")


@register.filter
def headings_from(html: str, level: int):
    """Renumber the headings of sanitised rich text so the highest becomes ``level``.

    The same article sits under an h2 section and an h3 title in the issue, but
    straight under the h1 on its own page; headings must not skip a level.
    """
    levels = [int(n) for _, n in _HEADING.findall(html or "")]
    if not levels:
        return mark_safe(html or "")  # noqa: S308 - sanitised on save by newsletter.sanitise
    shift = int(level) - min(levels)
    return mark_safe(  # noqa: S308 - sanitised on save; only the heading numbers change
        _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}>", html)
    )


@register.filter
def month_year(value) -> str:
    """October 2023."""
    return format_month(value) if value else ""


@register.filter
def as_text(html: str) -> str:
    """Rich text for the plain-text part of an email."""
    return html_to_text(html)
