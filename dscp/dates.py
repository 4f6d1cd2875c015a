"""Dates and times as the partnership writes them, in Europe/London."""

from datetime import date, datetime

from django.utils import timezone


def format_time(value: datetime) -> str:
    """9:30am, 12pm, 12:30pm."""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def format_date(value: date | datetime) -> str:
    """6 February 2024."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime) -> str:
    """6 February 2024, 9:30am (Europe/London)."""
    value = timezone.localtime(value)
    return f"{format_date(value)}, {format_time(value)}"


def format_month(value: date | datetime) -> str:
    """October 2023."""
    return f"{value:%B %Y}"


def format_range(start: datetime, end: datetime) -> str:
    """6 February 2024, 9:30am to 12:30pm; across days, both dates are written."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return f"{format_date(start)}, {format_time(start)} to {format_time(end)}"
    return f"{format_date(start)}, {format_time(start)} to {format_date(end)}, {format_time(end)}"
