from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from dscp.dates import format_date, format_datetime, format_range, format_time

register = template.Library()


@register.inclusion_tag("dscp/_breadcrumbs.html")
def breadcrumbs(*labels_and_urls):
    """Breadcrumbs after Home: pairs of label and URL, then the current page's label.

    {% breadcrumbs "Newsletter" newsletter_url issue.title %}
    """
    *pairs, current = labels_and_urls
    crumbs = list(zip(pairs[::2], pairs[1::2], strict=True))
    return {"crumbs": crumbs, "current": current}


@register.simple_tag
def js_enabled_script():
    """GOV.UK Frontend's classes for a browser running JavaScript, before the first paint."""
    return mark_safe(f"<script>{settings.JS_ENABLED_SCRIPT}</script>")  # noqa: S308


@register.simple_tag
def time_range(start, end):
    """A time range as people write it: "6 February 2024, 9:30am to 12:30pm"."""
    return format_range(start, end)


@register.filter
def long_date(value):
    """6 February 2024."""
    return format_date(value) if value else ""


@register.filter
def date_time(value):
    """6 February 2024, 9:30am."""
    return format_datetime(value) if value else ""


@register.filter
def clock(value):
    """9:30am, in Europe/London."""
    return format_time(timezone.localtime(value)) if value else ""
