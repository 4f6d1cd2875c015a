"""Reads for the training pages, the home page, the priorities pages and admin."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, Lower, TruncMonth
from django.utils import timezone

from priorities import selectors as priority_selectors
from training.models import (
    Agency,
    Audience,
    Booking,
    Course,
    ExternalEvent,
    JobRole,
    Sector,
    Session,
    Strand,
)


class _BookingsCount(Expression):
    """How many of a session's bookings are in these states: a correlated COUNT subquery.

    Written out rather than built as a Subquery of a Booking queryset, which the ORM
    compiled afresh for every session query: a third of the booking page's CPU.
    """

    output_field = IntegerField()

    def __init__(self, statuses, session=None):
        super().__init__()
        self.statuses = list(statuses)
        self.session = session if session is not None else F("pk")

    def get_source_expressions(self):
        return [self.session]

    def set_source_expressions(self, exprs):
        (self.session,) = exprs

    def as_sql(self, compiler, connection):
        session, params = compiler.compile(self.session)
        table = connection.ops.quote_name(Booking._meta.db_table)
        statuses = ", ".join(["%s"] * len(self.statuses))
        # Only the table's name and the compiled column go in the text; values are parameters.
        sql = (
            f"(SELECT COUNT(*) FROM {table} WHERE {table}.session_id = {session}"  # noqa: S608
            f" AND {table}.status IN ({statuses}))"
        )
        return sql, (*params, *self.statuses)


def with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate places booked, places held for confirmation, people waiting and places
    left, in the same query.

    ``places_taken`` counts only booked places (what staff and reports call booked);
    places held until the person confirms are ``awaiting`` and are not left for others.
    Counted per session by a subquery, not by joining every booking and grouping:
    the home page's next four sessions then count four sessions' bookings, not 50,000.
    """
    return sessions.annotate(
        places_taken=_BookingsCount(Booking.HOLDING_PLACE),
        awaiting=_BookingsCount([Booking.Status.UNCONFIRMED]),
        waiting=_BookingsCount([Booking.Status.WAITLISTED]),
    ).annotate(places_left=F("capacity") - F("places_taken") - F("awaiting"))


def _future_sessions(now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gt=now)


def _bookable(now: datetime) -> QuerySet[Session]:
    """Scheduled sessions taking bookings now."""
    return (
        _future_sessions(now)
        .filter(Q(booking_opens_at__isnull=True) | Q(booking_opens_at__lte=now))
        .annotate(closes=Coalesce("booking_closes_at", "starts_at"))
        .filter(closes__gt=now)
    )


def upcoming_sessions(*, limit: int) -> list[Session]:
    """The next sessions people can book, with their course and places left, in one query."""
    now = timezone.now()
    return list(
        with_counts(_bookable(now).filter(course__active=True))
        .select_related("course", "strand")
        .order_by("starts_at", "pk")[:limit]
    )


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
    base = _bookable(now) if filters.has_places else _future_sessions(now)
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
            queryset=_future_sessions(timezone.now()).order_by("starts_at", "pk"),
            to_attr="future_sessions",
        ),
    )


def next_sessions(*, course_ids: list[int]) -> dict[int, Session]:
    """Each course's next scheduled session with ``places_left``, in one query."""
    sessions = with_counts(_future_sessions(timezone.now()).filter(course_id__in=course_ids))
    first: dict[int, Session] = {}
    # A handful of courses' future sessions; the earliest of each is kept.
    for session in sessions.order_by("starts_at", "pk"):
        first.setdefault(session.course_id, session)
    return first


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


def course_sessions(*, course: Course, strand: Strand | None = None) -> list[Session]:
    """A course's future sessions with places left, for its page."""
    sessions = with_counts(_future_sessions(timezone.now()).filter(course=course))
    if strand:
        sessions = sessions.filter(Q(strand=strand) | Q(strand__isnull=True))
    return list(sessions.select_related("strand").order_by("starts_at", "pk"))


def session_with_counts(*, pk: int) -> Session:
    """One session of an active course, with places left; raises Session.DoesNotExist.

    A withdrawn course's sessions are not found at all, so an old link shows
    nothing of the course (its title, venue or dates).
    """
    sessions = Session.objects.select_related("course__prerequisite", "strand").filter(
        course__active=True
    )
    return with_counts(sessions).get(pk=pk)


def job_roles_by_sector() -> list[tuple[str, list[JobRole]]]:
    """Every job role, grouped by sector in the sectors' order, for the finder's role list."""
    groups: dict[str, list[JobRole]] = {}
    for role in JobRole.objects.order_by("name"):
        groups.setdefault(role.sector, []).append(role)
    order = [*Sector.values, ""]
    labels = {**dict(Sector.choices), "": "Other roles"}
    return [(labels[sector], groups[sector]) for sector in order if sector in groups]


def months_with_sessions() -> list[date]:
    """The months in which future sessions start, for the finder's month list."""
    # Truncated in the database, in the site's time zone: at scale (2,000 sessions) reading
    # every start and converting it took most of the course finder's time.
    months = (
        _future_sessions(timezone.now())
        .filter(course__active=True)
        .annotate(month=TruncMonth("starts_at", output_field=DateField()))
        .order_by("month")
        .values_list("month", flat=True)
        .distinct()
    )
    return list(months)


def feed_sessions() -> QuerySet[Session]:
    """Every upcoming scheduled session of an active course, for the calendar feed."""
    return (
        _future_sessions(timezone.now())
        .filter(course__active=True)
        .select_related("course", "strand")
        .order_by("starts_at", "pk")
    )


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


def event_session(*, event: ExternalEvent) -> Session | None:
    """The session an event is booked on here, with places left, or None if it links out."""
    if event.session_id is None:
        return None
    sessions = Session.objects.filter(pk=event.session_id, course__active=True)
    return with_counts(sessions).first()


def register(*, session: Session) -> list[Booking]:
    """The people with a place on a session, in name order, for the register."""
    return list(
        session.bookings.filter(status__in=Booking.HOLDING_PLACE)
        .select_related("agency")
        .order_by("name", "pk")
    )


def awaiting_confirmation(*, session: Session) -> list[Booking]:
    """Places held for people who have not yet followed the emailed link, soonest to lapse first."""
    return list(
        session.bookings.filter(status=Booking.Status.UNCONFIRMED)
        .select_related("agency")
        .order_by("hold_expires_at", "pk")
    )


def waiting_list(*, session: Session) -> list[Booking]:
    """The people waiting for a place on a session, first in the queue first."""
    return list(
        session.bookings.filter(status=Booking.Status.WAITLISTED)
        .select_related("agency")
        .order_by("waitlist_position")
    )


def attended_bookings(*, ended_after: datetime, ended_before: datetime) -> QuerySet[Booking]:
    """Bookings marked attended on sessions that ended in the window, e.g. to ask for feedback."""
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED,
        session__ends_at__gt=ended_after,
        session__ends_at__lte=ended_before,
    )


def attendance_for_priority(*, priority) -> dict[str, int]:
    """How many people the registers show trained on a priority's courses, and from how
    many organisations, in one query; a person on two courses counts once."""
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED, session__course__priority=priority
    ).aggregate(
        people=Count(Lower("email"), distinct=True),
        agencies=Count(Coalesce("agency__name", Lower("agency_other")), distinct=True),
    )


def sessions_starting_between(*, start: datetime, end: datetime) -> list[Session]:
    """Scheduled sessions starting in the window, with places taken and people waiting; one query."""
    return list(
        with_counts(
            Session.objects.filter(
                status=Session.Status.SCHEDULED, starts_at__gte=start, starts_at__lt=end
            )
        )
        .select_related("course", "strand")
        .order_by("starts_at", "pk")
    )


def registers_to_mark(*, now: datetime) -> list[Session]:
    """Sessions that have ended with people still booked but not marked attended or not; one query."""
    unmarked = Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED))
    return list(
        Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__lte=now)
        .annotate(unmarked=unmarked)
        .filter(unmarked__gt=0)
        .select_related("course", "strand")
        .order_by("-ends_at", "pk")
    )


def waitlist_place(*, booking: Booking) -> int | None:
    """The person's place in the queue counting from 1, ignoring gaps left by promotions."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    return Booking.objects.filter(
        session_id=booking.session_id,
        status=Booking.Status.WAITLISTED,
        waitlist_position__lte=booking.waitlist_position,
    ).count()


def priorities_with_courses():
    """Active priorities that have at least one active course, for the course finder."""
    courses = Course.objects.filter(active=True).values("priority_id")
    return priority_selectors.active_priorities().filter(pk__in=courses)


def all_courses() -> QuerySet[Course]:
    """Every course, withdrawn ones too, e.g. to filter a report by."""
    return Course.objects.all()


def all_sessions() -> QuerySet[Session]:
    """Every session, e.g. to filter a report by."""
    return Session.objects.all()


def agency_names() -> list[str]:
    """The names of the agencies people choose from, in their order."""
    return list(Agency.objects.filter(active=True).values_list("name", flat=True))


JOINING_LINK_WARNING_DAYS = 7


def sessions_missing_joining_link(*, now: datetime | None = None) -> list[Session]:
    """Online sessions in the coming week with no joining link yet, soonest first, for staff."""
    now = now or timezone.now()
    return list(
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            venue="",
            joining_url="",
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=JOINING_LINK_WARNING_DAYS),
        )
        .select_related("course", "strand")
        .order_by("starts_at", "pk")
    )


def booking_ids_for_email(*, email: str) -> list[int]:
    """The ids of every booking made with this address, whatever its state."""
    return list(Booking.objects.filter(email__iexact=email).values_list("pk", flat=True))


def has_attended(*, email: str, course: Course) -> bool:
    """Whether the register shows this address attended the course, e.g. a prerequisite."""
    return Booking.objects.filter(
        email__iexact=email.strip(), session__course=course, status=Booking.Status.ATTENDED
    ).exists()
