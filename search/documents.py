"""What each kind of content looks like in the index: title, context, summary, body, URL, date.

Each kind reads its content through the owning app's "public" selector, so the
index holds exactly what that app shows the public. ``build(kind, ids)`` runs a
fixed number of queries however many ids it is given.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import unescape

from django.db.models import Model, QuerySet
from django.utils.html import strip_tags

from dscp.dates import format_date, format_month
from newsletter import selectors as newsletter_selectors
from newsletter.models import Article, GuidanceLink, Resource
from priorities import selectors as priority_selectors
from priorities.models import Priority
from search.models import Entry
from training import selectors as training_selectors
from training.models import Course, ExternalEvent

# Control characters would break the database's text functions; the private-use
# characters mark highlighted words (selectors.MARK_START), so none are stored.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")
_SPACE = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Plain text as stored: one space between words, no control characters."""
    return _SPACE.sub(" ", _UNSAFE.sub("", value or "")).strip()


def rich_text(value: str) -> str:
    """The words of sanitised rich text (an article's body): tags gone, entities decoded."""
    return clean_text(unescape(strip_tags(value or "")))


def _join(*parts: str) -> str:
    return " ".join(clean_text(p) for p in parts if p)


def _issue_context(article: Article) -> str:
    return f"{article.issue.title} newsletter"


def _article(article: Article) -> Entry:
    return Entry(
        kind=Entry.Kind.ARTICLE,
        object_id=article.pk,
        title=article.title,
        context=f"{_issue_context(article)}, {article.section.title}",
        summary=clean_text(article.summary),
        body=_join(rich_text(article.body), article.link_text),
        url=article.get_absolute_url(),
        date=article.issue.issue_date,
    )


def _resource(resource: Resource) -> Entry:
    article = resource.article
    return Entry(
        kind=Entry.Kind.RESOURCE,
        object_id=resource.pk,
        title=resource.title,
        context=f"{resource.get_kind_display()}, {_issue_context(article)}",
        summary=clean_text(resource.summary),
        body=_join(article.title),
        # The article explains the resource and links to it; the search result
        # stays on the site rather than opening a download.
        url=article.get_absolute_url(),
        date=article.issue.issue_date,
    )


def _guidance(link: GuidanceLink) -> Entry:
    return Entry(
        kind=Entry.Kind.GUIDANCE,
        object_id=link.pk,
        title=link.title,
        context=f"{link.publisher}, {format_month(link.published_on)}",
        summary="",
        body=_join(link.publisher, link.article.title),
        url=link.article.get_absolute_url(),
        date=link.published_on,
    )


def _priority(priority: Priority) -> Entry:
    cycles = list(priority.learning_cycles.all())
    return Entry(
        kind=Entry.Kind.PRIORITY,
        object_id=priority.pk,
        title=str(priority),
        context=f"Led by {priority.lead}" if priority.lead else "",
        summary=clean_text(priority.summary),
        # Achievements, learning and next steps have no page of their own: they
        # are found through the priority whose page shows them.
        body=_join(
            *(c.title for c in cycles),
            *(c.purpose for c in cycles),
            *(phase.title for c in cycles for phase in c.phases.all()),
            *(a.text for a in priority.achievements.all()),
            *(p.text for p in priority.learning_points.all()),
            *(p.response for p in priority.learning_points.all()),
            *(a.description for a in priority.actions.all()),
            *(d.title for d in priority.documents.all()),
            *(d.summary for d in priority.documents.all()),
        ),
        url=priority.get_absolute_url(),
        date=None,
    )


def _course(course: Course) -> Entry:
    strands = list(course.strands.all())
    return Entry(
        kind=Entry.Kind.COURSE,
        object_id=course.pk,
        title=course.title,
        context=course.get_format_display() + (f", {course.duration}" if course.duration else ""),
        summary=clean_text(course.summary),
        # Sessions and strands are found through their course, whose result
        # shows the next date and places left.
        body=_join(
            course.description,
            course.audience,
            course.learning_outcomes,
            course.provider,
            *(s.title for s in strands),
            *(s.description for s in strands),
            *(role.name for s in strands for role in s.roles.all()),
            *(s.venue for s in course.future_sessions),
            *(s.trainer for s in course.future_sessions),
        ),
        url=course.get_absolute_url(),
        date=course.created_at.date(),
    )


def _event(event: ExternalEvent) -> Entry:
    dates = format_date(event.starts_on)
    if event.ends_on and event.ends_on != event.starts_on:
        dates = f"{dates} to {format_date(event.ends_on)}"
    return Entry(
        kind=Entry.Kind.EVENT,
        object_id=event.pk,
        title=event.title,
        context=f"{dates}, {event.get_attendance_display()}, run by {event.organiser}",
        summary=clean_text(event.summary),
        body=_join(event.description, event.organiser, event.location),
        url=event.get_absolute_url(),
        date=event.starts_on,
    )


@dataclass(frozen=True)
class Source:
    model: type[Model]
    public: Callable[[], QuerySet]
    entry: Callable[[Model], Entry]


SOURCES: dict[str, Source] = {
    Entry.Kind.ARTICLE: Source(Article, newsletter_selectors.public_articles, _article),
    Entry.Kind.RESOURCE: Source(Resource, newsletter_selectors.public_resources, _resource),
    Entry.Kind.GUIDANCE: Source(
        GuidanceLink, newsletter_selectors.public_guidance_links, _guidance
    ),
    Entry.Kind.PRIORITY: Source(Priority, priority_selectors.public_priorities, _priority),
    Entry.Kind.COURSE: Source(Course, training_selectors.public_courses, _course),
    Entry.Kind.EVENT: Source(ExternalEvent, training_selectors.public_events, _event),
}


def build(kind: str, ids: Iterable[int] | None = None) -> list[Entry]:
    """Unsaved entries for the public objects of a kind (all of them, or those ids)."""
    source = SOURCES[kind]
    objects = source.public()
    if ids is not None:
        objects = objects.filter(pk__in=list(ids))
    return [_truncated(source.entry(obj)) for obj in objects.order_by("pk")]


def _truncated(entry: Entry) -> Entry:
    # Titles and contexts come from longer-or-equal columns plus a few words.
    entry.title = clean_text(entry.title)[:300]
    entry.context = clean_text(entry.context)[:300]
    return entry
