"""iCalendar files: one session for a person's diary, and a feed of every upcoming session."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from training.models import Booking, Session


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.PARTNERSHIP['name']}//Training//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    return cal


def _event(session: Session, *, joining_details: bool) -> Event:
    """A session as a calendar event; online joining details only for people with a place."""
    event = Event()
    # One UID per session, so a cancellation replaces the event already in a diary.
    event.add("uid", f"training-session-{session.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    title = session.course.title
    if session.strand_id:
        title += f" (Strand {session.strand.number})"
    event.add("summary", title)
    joining = joining_details and session.is_online
    # Calendar apps show the location as a link to join, so it is the meeting link when known.
    event.add("location", session.joining_url if joining and session.joining_url else session.place)
    lines = [session.course.summary, "", settings.SITE_URL + session.course.get_absolute_url()]
    if joining and session.joining_url:
        lines += ["", "Joining link:", session.joining_url]
    if joining and session.joining_details:
        lines += ["", "How to join:", session.joining_details]
    event.add("description", "\n".join(lines))
    event.add("url", settings.SITE_URL + session.course.get_absolute_url())
    if session.status == Session.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def booking_calendar(booking: Booking, *, method: str = "PUBLISH") -> bytes:
    """The session a person booked, to add to their diary (or take out, with CANCEL)."""
    cal = _calendar(booking.session.course.title, method=method)
    event = _event(booking.session, joining_details=booking.has_place)
    if method == "CANCEL":
        event["status"] = "CANCELLED"
        event.add("sequence", 1)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def sessions_feed(sessions: Iterable[Session]) -> bytes:
    """Every upcoming session, for people who subscribe to the training calendar."""
    cal = _calendar(f"{settings.PARTNERSHIP['short_name']} training")
    for session in sessions:
        cal.add_component(_event(session, joining_details=False))
    cal.add_missing_timezones()
    return cal.to_ical()
