"""Non-attendance: no-shows from the register and late cancellations, charged to agencies
under the policy in force, on each organisation's record and its invoicing CSV."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import StaffFactory
from training import non_attendance, services
from training.models import Booking, NonAttendancePolicy

from .factories import AgencyFactory, BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
REPORT = "admin:training_nonattendance_report"
CSV = "admin:training_nonattendance_csv"


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory(username="lead"))
    return client


def _period_of(when) -> non_attendance.Period:
    return non_attendance.financial_year_of(timezone.localdate(when))


def _policy(starts_on=date(2020, 4, 1), **kwargs) -> NonAttendancePolicy:
    fields = {"action": "charge", "charge": Decimal("50"), "late_cancellation_days": 5}
    return NonAttendancePolicy.objects.create(starts_on=starts_on, **{**fields, **kwargs})


def _past_session(**kwargs):
    starts_at = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    return SessionFactory(starts_at=starts_at, **kwargs)


def test_a_no_show_marked_from_the_register_is_on_the_agency_s_record_and_csv(staff):
    _policy()
    session = _past_session(course__title="Eyes on the Baby")
    police = AgencyFactory(name="Durham Constabulary")
    no_show = BookingFactory(session=session, name="Sam Robson", agency=police)
    BookingFactory(session=session, name="Came Along", agency=police)
    staff.post(
        reverse("admin:training_booking_changelist"),
        {"action": "mark_did_not_attend", ACTION_CHECKBOX_NAME: [no_show.pk]},
    )
    period = _period_of(session.starts_at)

    summary = staff.get(reverse(REPORT), {"period": period.key})
    (row,) = summary.context["totals"]
    assert (row.organisation, row.no_shows, row.late_cancellations, row.charge) == (
        "Durham Constabulary",
        1,
        0,
        Decimal("50"),
    )
    record = staff.get(
        reverse(REPORT), {"period": period.key, "organisation": "Durham Constabulary"}
    )
    html = record.content.decode()
    assert "Sam Robson" in html and "Came Along" not in html and "£50.00" in html

    export = staff.get(reverse(CSV), {"period": period.key, "organisation": "Durham Constabulary"})
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode())))
    assert [(r["Name"], r["Course"], r["What"], r["Charge (£)"]) for r in rows] == [
        ("Sam Robson", "Eyes on the Baby", "No-show", "50.00")
    ]
    assert 'filename="non-attendance-durham-constabulary-' in export["Content-Disposition"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.count) == (AuditEntry.Action.EXPORTED, 1)
    assert "Durham Constabulary" in entry.subject and "Sam" not in entry.subject
    assert entry.subject == f"Non-attendance: Durham Constabulary, {period.label}"


def test_a_place_cancelled_inside_the_policy_s_days_counts_as_a_late_cancellation(book):
    _policy(late_cancellation_days=5)
    now = timezone.now()
    session = SessionFactory(starts_at=(now + timedelta(days=3)).replace(second=0, microsecond=0))
    early = SessionFactory(starts_at=(now + timedelta(days=9)).replace(second=0, microsecond=0))
    late = book(session, "late@example.org")
    in_time = book(early, "early@example.org")
    services.booking_cancel(booking=late, by=Booking.CancelledBy.PERSON)
    services.booking_cancel(booking=in_time, by=Booking.CancelledBy.PERSON)

    records = non_attendance.non_attendance_records(period=_period_of(session.starts_at))
    assert [(r.booking.email, r.kind, r.charge) for r in records] == [
        ("late@example.org", "Late cancellation", Decimal("50"))
    ]


def test_only_a_held_place_cancelled_by_the_person_or_staff_can_be_late(book):
    _policy(late_cancellation_days=5)
    session = SessionFactory(
        capacity=1, starts_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    )
    placed = book(session, "placed@example.org")
    waiting = book(session, "waiting@example.org")
    assert waiting.status == Booking.Status.WAITLISTED
    services.booking_cancel(booking=waiting, by=Booking.CancelledBy.PERSON)
    services.booking_cancel(booking=placed, by=Booking.CancelledBy.STAFF)
    other = SessionFactory(starts_at=session.starts_at)
    book(other, "session-off@example.org")
    services.session_cancel(session=other, reason="Trainer ill")

    records = non_attendance.non_attendance_records(period=_period_of(session.starts_at))
    assert [r.booking.email for r in records] == ["placed@example.org"]


def test_cancellations_do_not_count_when_the_policy_sets_no_days(book):
    _policy(late_cancellation_days=0)
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    services.booking_cancel(booking=book(session, "a@example.org"), by="person")
    assert non_attendance.non_attendance_records(period=_period_of(session.starts_at)) == []


def test_a_policy_change_applies_from_its_date_and_leaves_earlier_sessions_as_they_were():
    before = _past_session()
    after = SessionFactory(starts_at=before.starts_at + timedelta(days=1))
    BookingFactory(session=before, status="did_not_attend")
    BookingFactory(session=after, status="did_not_attend")
    _policy(action="warning", charge=0)
    period = _period_of(after.starts_at)

    charges = [r.outcome for r in non_attendance.non_attendance_records(period=period)]
    assert charges == ["Warning", "Warning"]

    _policy(starts_on=timezone.localdate(after.starts_at), charge=Decimal("75.50"))
    records = non_attendance.non_attendance_records(period=period)
    assert [r.outcome for r in records] == ["Warning", "£75.50"]
    assert sum(r.charge for r in records) == Decimal("75.50")
    totals = non_attendance.organisation_totals(period=period)
    assert sorted((row.no_shows, row.warnings, row.charge) for row in totals) == [
        (1, 0, Decimal("75.50")),
        (1, 1, Decimal(0)),
    ]


def test_without_a_policy_no_shows_are_listed_uncharged():
    session = _past_session()
    BookingFactory(session=session, status="did_not_attend")
    (record,) = non_attendance.non_attendance_records(period=_period_of(session.starts_at))
    assert (record.kind, record.outcome, record.charge) == ("No-show", "No policy", 0)


@pytest.mark.parametrize("agencies", [1, 8])
def test_the_report_takes_the_same_queries_however_many_organisations(
    staff, agencies, django_assert_num_queries
):
    _policy()
    session = _past_session()
    for n in range(agencies):
        BookingFactory(session=session, status="did_not_attend", agency__name=f"Agency {n}")
        BookingFactory(session=session, status="did_not_attend", agency=None, agency_other=f"O{n}")
    staff.get(reverse(REPORT))  # the session, user and permissions are cached per request
    with django_assert_num_queries(5):
        response = staff.get(reverse(REPORT), {"period": _period_of(session.starts_at).key})
    assert len(response.context["totals"]) == agencies * 2


@pytest.mark.parametrize("no_shows", [1, 8])
def test_an_organisation_s_record_takes_the_same_queries_however_many_entries(
    staff, no_shows, django_assert_num_queries
):
    _policy()
    agency = AgencyFactory(name="Durham Constabulary")
    for _ in range(no_shows):
        BookingFactory(session=_past_session(), status="did_not_attend", agency=agency)
    period = _period_of(timezone.now() - timedelta(days=3))
    query = {"period": period.key, "organisation": "Durham Constabulary"}
    staff.get(reverse(REPORT), query)  # the session, user and permissions are cached per request
    with django_assert_num_queries(5):
        response = staff.get(reverse(REPORT), query)
    assert len(response.context["records"]) == no_shows


def test_the_invoicing_csv_needs_the_export_permission(client):
    _policy()
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(reverse(CSV), {"organisation": "Durham Constabulary"}).status_code == 403
    assert not AuditEntry.objects.exists()


def test_a_charge_needs_an_amount_and_a_warning_has_none():
    with pytest.raises(IntegrityError):
        _policy(action="charge", charge=0)


def test_financial_years_and_quarters_run_april_to_march():
    year = non_attendance.financial_year(2024)
    assert (year.key, year.start, year.end) == ("2024-25", date(2024, 4, 1), date(2025, 4, 1))
    q4 = non_attendance.quarter(2024, 4)
    assert (q4.key, q4.start, q4.end) == ("2024-25-q4", date(2025, 1, 1), date(2025, 4, 1))
    assert non_attendance.financial_year_of(date(2025, 3, 31)).key == "2024-25"
    assert non_attendance.financial_year_of(date(2025, 4, 1)).key == "2025-26"
    assert non_attendance.period_from_key("nonsense", today=date(2025, 2, 1)).key == "2024-25"
