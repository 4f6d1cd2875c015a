import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import StaffFactory
from training.models import Booking, Session

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory(username="lead"))
    return client


def test_session_list_shows_counts_in_constant_queries(staff, django_assert_max_num_queries):
    session = SessionFactory(capacity=2)
    BookingFactory.create_batch(2, session=session)
    BookingFactory(session=session, status=Booking.Status.WAITLISTED, waitlist_position=1)
    url = reverse("admin:training_session_changelist")
    with django_assert_max_num_queries(12):
        response = staff.get(url)
    row = response.context["cl"].result_list.get(pk=session.pk)
    assert (row.places_booked, row.waiting, row.capacity) == (2, 1, 2)
    SessionFactory.create_batch(10)
    with django_assert_max_num_queries(12):
        staff.get(url)


def test_register_is_printable_with_a_sign_in_column_and_exports_csv(staff):
    session = SessionFactory()
    BookingFactory(session=session, name="Zoe Adams", needs="Step-free access")
    BookingFactory(session=session, name="=cmd()", status=Booking.Status.CANCELLED)
    page = staff.get(reverse("admin:training_session_register", args=[session.pk]))
    html = page.content.decode()
    assert "Signature" in html and "Zoe Adams" in html and "Step-free access" in html
    assert "=cmd()" not in html
    export = staff.get(reverse("admin:training_session_register_csv", args=[session.pk]))
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert rows[0][:2] == ["Name", "Work email"]
    assert [r[0] for r in rows[1:]] == ["Zoe Adams"]


def test_the_register_csv_is_audited_with_its_session_and_the_people_listed(staff):
    session = SessionFactory(course__title="Eyes on the Baby")
    BookingFactory(session=session, name="Zoe Adams")
    BookingFactory(session=session, name="Gone", status=Booking.Status.CANCELLED)
    staff.get(reverse("admin:training_session_register_csv", args=[session.pk]))
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.count) == ("exported", 1)
    assert entry.subject == f"Register: {session}"
    assert "Zoe" not in entry.subject


def test_a_capacity_change_in_admin_is_audited_as_the_staff_member_s(staff):
    session = SessionFactory(capacity=1)
    staff.post(reverse("admin:training_session_capacity", args=[session.pk]), {"capacity": 3})
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.action, entry.count) == ("lead", "capacity_changed", 3)


def test_csv_export_neutralises_formulas(staff):
    session = SessionFactory()
    BookingFactory(session=session, name="=HYPERLINK(1)")
    export = staff.get(reverse("admin:training_session_register_csv", args=[session.pk]))
    assert "'=HYPERLINK(1)" in export.getvalue().decode()


def test_raising_capacity_in_admin_promotes_the_waiting_list(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=Booking.Status.WAITLISTED, waitlist_position=1)
    url = reverse("admin:training_session_capacity", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"capacity": 2})
    assert response.status_code == 302, response.context["form"].errors
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert [m.to[0] for m in mailoutbox] == [waiting.email]


def test_cancel_session_action_asks_for_a_reason_then_emails_everyone(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    BookingFactory.create_batch(2, session=session)
    url = reverse("admin:training_session_changelist")
    data = {"action": "cancel_sessions", ACTION_CHECKBOX_NAME: [session.pk]}
    assert "Yes, cancel and email everyone" in staff.post(url, data).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {**data, "confirm": "yes", "reason": "Venue flooded."})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert len(mailoutbox) == 2 and "Venue flooded." in mailoutbox[0].body


def test_booking_actions_mark_attendance_and_move_up(staff):
    session = SessionFactory(starts_at=timezone.now().replace(second=0, microsecond=0))
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now())
    place = BookingFactory(session=session)
    first = BookingFactory(session=session, status="waitlisted", waitlist_position=1)
    second = BookingFactory(session=session, status="waitlisted", waitlist_position=2)
    url = reverse("admin:training_booking_changelist")
    staff.post(url, {"action": "mark_attended", ACTION_CHECKBOX_NAME: [place.pk]})
    staff.post(url, {"action": "move_up", ACTION_CHECKBOX_NAME: [second.pk]})
    place.refresh_from_db(), first.refresh_from_db(), second.refresh_from_db()
    assert place.status == Booking.Status.ATTENDED
    assert (second.waitlist_position, first.waitlist_position) == (1, 2)


def test_booking_search_by_name_email_and_agency(staff):
    BookingFactory(name="Priya Shah", email="priya@nhs.example", agency__name="NHS Trust")
    BookingFactory(name="Sam Robson", email="sam@police.example", agency__name="Constabulary")
    url = reverse("admin:training_booking_changelist")
    for term in ["Priya", "priya@nhs", "NHS Trust"]:
        names = [b.name for b in staff.get(url, {"q": term}).context["cl"].result_list]
        assert names == ["Priya Shah"], term


def test_staff_are_warned_of_online_sessions_next_week_without_a_joining_link(staff):
    now = timezone.now()
    missing = SessionFactory(venue="", starts_at=now + timedelta(days=6), trainer="A")
    SessionFactory(venue="", starts_at=now + timedelta(days=6), joining_url="https://t.example/j")
    SessionFactory(venue="", starts_at=now + timedelta(days=9))  # not yet due
    SessionFactory(venue="County Hall", starts_at=now + timedelta(days=2))
    response = staff.get(reverse("admin:training_session_changelist"))
    warnings = [str(m) for m in response.context["messages"]]
    assert len(warnings) == 1
    assert "has no joining link" in warnings[0]
    assert reverse("admin:training_session_change", args=[missing.pk]) in warnings[0]


def test_capacity_below_the_places_counted_is_refused_next_to_the_field(staff):
    session = SessionFactory(capacity=2)
    BookingFactory.create_batch(2, session=session)
    url = reverse("admin:training_session_capacity", args=[session.pk])
    response = staff.post(url, {"capacity": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "2 people already have a place, so the capacity cannot be less than 2. Cancel bookings first."
    ]
    session.refresh_from_db()
    assert session.capacity == 2


def test_register_shows_whether_each_person_has_the_prerequisite(staff):
    intro = CourseFactory(title="Safeguarding Children: Introduction (Group A)")
    session = SessionFactory(course=CourseFactory(prerequisite=intro))
    BookingFactory(session=session, name="Sam", prerequisite=Booking.Prerequisite.CONFIRMED)
    BookingFactory(session=session, name="Alex", prerequisite=Booking.Prerequisite.ON_RECORD)
    html = staff.get(reverse("admin:training_session_register", args=[session.pk])).content.decode()
    assert "Safeguarding Children: Introduction (Group A) first</th>" in html
    assert "<td>Confirmed by the person</td>" in html
    assert "<td>On our register</td>" in html
