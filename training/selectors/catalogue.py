"""Reads of the catalogue: the course finder, courses, strands by role, events, agencies."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from priorities import selectors as priority_selectors
from training.models import Agency, Audience, Course, ExternalEvent, JobRole, Sector, Strand
from training.selectors.sessions import bookable, future_sessions, with_counts


def courses_for_priority(*, priority) -> QuerySet[Course]:
    """Active courses linked to a priority, for that priority's page."""
    return Course.objects.filter(active=True, priority=priority).order_by("title")


@dataclass(frozen=True)
class CourseFilters:
    role: JobRole | None = None
    format: str = ""
    month: date | None = None
    priority_slug: str = ""
    has_places: bool = False


COURSES_PER_PAGE = 20


def course_search(*, filters: CourseFilters, page: str | int | None = None) -> Page:
    """One page of the active courses matching the finder's filters, each with ``upcoming``
    sessions and ``strand_for_role``; the number of queries does not grow with the results.

    A page at a time: with 300 courses the whole list took over a second to render."""
    now = timezone.now()
    base = bookable(now) if filters.has_places else future_sessions(now)
    sessions = with_counts(base).select_related("strand").order_by("starts_at", "pk")
    if filters.has_places:
        sessions = sessions.filter(places_left__gt=0)
    if filters.month:
        sessions = sessions.filter(
            starts_at__year=filters.month.year, starts_at__month=filters.month.month
        )
    courses = Course.objects.filter(active=True).select_related("priority")
    if filters.role:
        # A course without strands is for every role.
        # A course without audience groups is for every sector.
        audiences = Audience.objects.filter(course=OuterRef("pk"))
        courses = (
            courses.filter(Q(strands__roles=filters.role) | Q(strands__isnull=True))
            .filter(~Exists(audiences) | Exists(audiences.filter(sector=filters.role.sector)))
            .distinct()
        )
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.priority_slug:
        courses = courses.filter(priority__slug=filters.priority_slug)
    if filters.month or filters.has_places:
        courses = courses.filter(Exists(sessions.filter(course=OuterRef("pk")).values("pk")))
    courses = courses.prefetch_related(
        Prefetch("sessions", queryset=sessions, to_attr="upcoming"),
        Prefetch("strands", queryset=Strand.objects.prefetch_related("roles")),
    ).order_by("title", "pk")
    result = Paginator(courses, COURSES_PER_PAGE).get_page(page)
    result.object_list = list(result.object_list)
    for course in result:
        course.strand_for_role = strand_for_role(course=course, role=filters.role)
        if course.strand_for_role:
            course.upcoming = [
                s for s in course.upcoming if s.strand_id in (None, course.strand_for_role.pk)
            ]
    return result


def public_courses() -> QuerySet[Course]:
    """Active courses with their strands (and roles) and ``future_sessions``, scheduled ones."""
    return Course.objects.filter(active=True).prefetch_related(
        Prefetch("strands", queryset=Strand.objects.prefetch_related("roles")),
        Prefetch(
            "sessions",
            queryset=future_sessions(timezone.now()).order_by("starts_at", "pk"),
            to_attr="future_sessions",
        ),
    )


def public_course(*, slug: str) -> Course | None:
    """An active course with all its page shows (priority, prerequisite, strands and their
    roles, audiences), or None."""
    return (
        Course.objects.select_related("priority", "prerequisite")
        .prefetch_related(
            Prefetch("strands", queryset=Strand.objects.prefetch_related("roles")), "audiences"
        )
        .filter(slug=slug, active=True)
        .first()
    )


def job_role(*, slug: str) -> JobRole | None:
    """The job role a finder's link names (``?role=``), or None."""
    return JobRole.objects.filter(slug=slug[:120]).first()


def strand_for_role(*, course: Course, role: JobRole | None) -> Strand | None:
    """Which strand of a course suits a job role ("which strand is for me?").

    Reads ``course.strands`` and their roles through ``.all()``, so a course fetched with
    them prefetched (the course list, the course page) costs no query here.
    """
    if role is None:
        return None
    for strand in course.strands.all():
        if role in strand.roles.all():
            return strand
    return None


def job_roles_by_sector() -> list[tuple[str, list[JobRole]]]:
    """Every job role, grouped by sector in the sectors' order, for the finder's role list."""
    groups: dict[str, list[JobRole]] = {}
    for role in JobRole.objects.order_by("name"):
        groups.setdefault(role.sector, []).append(role)
    order = [*Sector.values, ""]
    labels = {**dict(Sector.choices), "": "Other roles"}
    return [(labels[sector], groups[sector]) for sector in order if sector in groups]


def external_events(*, today: date | None = None) -> tuple[list, list]:
    """Published events run by others: (coming up, past), nearest first."""
    today = today or timezone.localdate()
    events = public_events()
    upcoming = events.filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
    past = events.exclude(pk__in=upcoming.values("pk")).order_by("-starts_on")
    return list(upcoming.order_by("starts_on")), list(past[:20])


def public_events() -> QuerySet[ExternalEvent]:
    """Every published event run by others, past and future."""
    return ExternalEvent.objects.filter(published=True)


def public_event(*, slug: str) -> ExternalEvent | None:
    """A published event run by others, with its priority, or None."""
    return public_events().select_related("priority").filter(slug=slug).first()


def priorities_with_courses():
    """Active priorities that have at least one active course, for the course finder."""
    courses = Course.objects.filter(active=True).values("priority_id")
    return priority_selectors.active_priorities().filter(pk__in=courses)


def all_courses() -> QuerySet[Course]:
    """Every course, withdrawn ones too, e.g. to filter a report by."""
    return Course.objects.all()


def agency_names() -> list[str]:
    """The names of the agencies people choose from, in their order."""
    return list(Agency.objects.filter(active=True).values_list("name", flat=True))
