"""Reads of sessions: places booked, held and left, what is bookable, what staff must act on."""

from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, Expression, F, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from training.models import Booking, Course, ExternalEvent, Session, Strand


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

    ``places_booked`` counts only booked places (what staff and reports call booked);
    places held until the person confirms are ``awaiting`` and are not left for others.
    Counted per session by a subquery, not by joining every booking and grouping:
    the home page's next four sessions then count four sessions' bookings, not 50,000.
    """
    return sessions.annotate(
        places_booked=_BookingsCount(Booking.BOOKED),
        awaiting=_BookingsCount([Booking.Status.UNCONFIRMED]),
        waiting=_BookingsCount([Booking.Status.WAITLISTED]),
    ).annotate(places_left=F("capacity") - F("places_booked") - F("awaiting"))


def future_sessions(now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gt=now)


def bookable(now: datetime) -> QuerySet[Session]:
    """Scheduled sessions taking bookings now."""
    return (
        future_sessions(now)
        .filter(Q(booking_opens_at__isnull=True) | Q(booking_opens_at__lte=now))
        .annotate(closes=Coalesce("booking_closes_at", "starts_at"))
        .filter(closes__gt=now)
    )


def upcoming_sessions(*, limit: int) -> list[Session]:
    """The next sessions people can book, with their course and places left, in one query."""
    now = timezone.now()
    return list(
        with_counts(bookable(now).filter(course__active=True))
        .select_related("course", "strand")
        .order_by("starts_at", "pk")[:limit]
    )


def next_sessions(*, course_ids: list[int]) -> dict[int, Session]:
    """Each course's next scheduled session with ``places_left``, in one query."""
    sessions = with_counts(future_sessions(timezone.now()).filter(course_id__in=course_ids))
    first: dict[int, Session] = {}
    # A handful of courses' future sessions; the earliest of each is kept.
    for session in sessions.order_by("starts_at", "pk"):
        first.setdefault(session.course_id, session)
    return first


def course_sessions(*, course: Course, strand: Strand | None = None) -> list[Session]:
    """A course's future sessions with places left, for its page."""
    sessions = with_counts(future_sessions(timezone.now()).filter(course=course))
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


def feed_sessions() -> QuerySet[Session]:
    """Every upcoming scheduled session of an active course, for the calendar feed."""
    return (
        future_sessions(timezone.now())
        .filter(course__active=True)
        .select_related("course", "strand")
        .order_by("starts_at", "pk")
    )


def event_session(*, event: ExternalEvent) -> Session | None:
    """The session an event is booked on here, with places left, or None if it links out."""
    if event.session_id is None:
        return None
    sessions = Session.objects.filter(pk=event.session_id, course__active=True)
    return with_counts(sessions).first()


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


def all_sessions() -> QuerySet[Session]:
    """Every session, e.g. to filter a report by."""
    return Session.objects.all()


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


def months_with_sessions() -> list[date]:
    """The months in which future sessions start, for the finder's month list."""
    # Truncated in the database, in the site's time zone: at scale (2,000 sessions) reading
    # every start and converting it took most of the course finder's time.
    months = (
        future_sessions(timezone.now())
        .filter(course__active=True)
        .annotate(month=TruncMonth("starts_at", output_field=DateField()))
        .order_by("month")
        .values_list("month", flat=True)
        .distinct()
    )
    return list(months)
