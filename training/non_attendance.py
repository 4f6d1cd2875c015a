"""Non-attendance: which bookings count against an agency in a period, and what each costs.

The one place the partnership's policy is applied: the report, each organisation's record
and its invoicing CSV all read from here, so they cannot disagree. A booking follows the
policy in force on its session's date, so a new policy never rewrites an earlier period.
"""

import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from training.models import Booking, NonAttendancePolicy, Session

# A place cancelled by the person, or by staff on their behalf, can be late; a place
# lost because the whole session was cancelled never is.
COUNTED_CANCELLATIONS = (Booking.CancelledBy.PERSON, Booking.CancelledBy.STAFF)
NO_SHOW = "No-show"
LATE_CANCELLATION = "Late cancellation"
QUARTERS = ["April to June", "July to September", "October to December", "January to March"]


@dataclass(frozen=True)
class Period:
    """A UK financial year (April to March) or one of its quarters; ``end`` is exclusive."""

    key: str
    label: str
    start: date
    end: date


def financial_year(year: int) -> Period:
    """The financial year that starts in April of ``year``."""
    return Period(
        key=f"{year}-{(year + 1) % 100:02d}",
        label=f"April {year} to March {year + 1}",
        start=date(year, 4, 1),
        end=date(year + 1, 4, 1),
    )


def quarter(year: int, number: int) -> Period:
    """Quarter 1 to 4 of the financial year that starts in April of ``year``."""
    month = 4 + 3 * (number - 1)
    start = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    end_month = month + 3
    end = date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return Period(
        key=f"{financial_year(year).key}-q{number}",
        label=f"{QUARTERS[number - 1]} {start.year} (quarter {number} of {year} to {year + 1})",
        start=start,
        end=end,
    )


def financial_year_of(day: date) -> Period:
    """The financial year a day falls in."""
    return financial_year(day.year if day.month >= 4 else day.year - 1)


def recent_periods(*, today: date | None = None, years: int = 3) -> list[Period]:
    """This financial year and the ones before it, each followed by its quarters."""
    current = financial_year_of(today or timezone.localdate()).start.year
    periods = []
    for year in range(current, current - years, -1):
        periods += [financial_year(year), *(quarter(year, n) for n in range(1, 5))]
    return periods


def period_from_key(key: str, *, today: date | None = None) -> Period:
    """The period a report link names; this financial year when it names none we offer."""
    for period in recent_periods(today=today):
        if period.key == key:
            return period
    return recent_periods(today=today, years=1)[0]


@dataclass(frozen=True)
class Record:
    """One no-show or late cancellation, with the policy that applies to it (if any)."""

    booking: Booking
    kind: str
    policy: NonAttendancePolicy | None

    @property
    def charge(self) -> Decimal:
        return self.policy.charge if self.policy else Decimal(0)

    @property
    def is_warning(self) -> bool:
        return self.policy is not None and self.policy.action == NonAttendancePolicy.Action.WARNING

    @property
    def outcome(self) -> str:
        """“£50.00”, “Warning” or “No policy”, for the record and the CSV."""
        if self.policy is None:
            return "No policy"
        return "Warning" if self.is_warning else f"£{self.charge:,.2f}"


@dataclass
class OrganisationTotals:
    organisation: str
    no_shows: int = 0
    late_cancellations: int = 0
    warnings: int = 0
    charge: Decimal = Decimal(0)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _policy_on(policies: list[NonAttendancePolicy], day: date) -> NonAttendancePolicy | None:
    """The policy in force on a day: the latest to start on or before it."""
    index = bisect.bisect_right([p.starts_on for p in policies], day)
    return policies[index - 1] if index else None


def non_attendance_records(*, period: Period, organisation: str = "") -> list[Record]:
    """Every no-show and late cancellation on sessions in the period, oldest session first,
    for one organisation or all; two queries however many there are."""
    policies = list(NonAttendancePolicy.objects.order_by("starts_on"))
    longest = max((p.late_cancellation_days for p in policies), default=0)
    # Candidates for lateness are fetched against the longest window any policy sets;
    # each is then held to the window of the policy on its own session's date.
    counted = Q(status=Booking.Status.DID_NOT_ATTEND)
    if longest:
        counted |= Q(
            status=Booking.Status.CANCELLED,
            cancelled_with_place=True,
            cancelled_by__in=COUNTED_CANCELLATIONS,
            cancelled_at__gt=F("session__starts_at") - timedelta(days=longest),
        )
    bookings = Booking.objects.filter(
        counted,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gte=_start_of(period.start),
        session__starts_at__lt=_start_of(period.end),
    )
    if organisation:
        bookings = bookings.filter(
            Q(agency__name=organisation) | Q(agency__isnull=True, agency_other=organisation)
        )
    bookings = bookings.select_related("session__course", "session__strand", "agency").order_by(
        "session__starts_at", "name", "pk"
    )
    records = []
    for booking in bookings:
        starts_at = booking.session.starts_at
        policy = _policy_on(policies, timezone.localdate(starts_at))
        if booking.status == Booking.Status.DID_NOT_ATTEND:
            records.append(Record(booking=booking, kind=NO_SHOW, policy=policy))
        elif (
            policy
            and policy.late_cancellation_days
            and booking.cancelled_at > starts_at - timedelta(days=policy.late_cancellation_days)
        ):
            records.append(Record(booking=booking, kind=LATE_CANCELLATION, policy=policy))
    return records


def organisation_totals(*, period: Period) -> list[OrganisationTotals]:
    """Per organisation, its no-shows, late cancellations, warnings and charges in the period."""
    totals: dict[str, OrganisationTotals] = {}
    for record in non_attendance_records(period=period):
        name = record.booking.organisation
        row = totals.setdefault(name, OrganisationTotals(organisation=name))
        if record.kind == NO_SHOW:
            row.no_shows += 1
        else:
            row.late_cancellations += 1
        if record.is_warning:
            row.warnings += 1
        row.charge += record.charge
    return sorted(totals.values(), key=lambda row: row.organisation.lower())
