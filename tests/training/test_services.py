from datetime import timedelta

import icalendar
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import StaffFactory
from tests.support.locks import locked_elsewhere
from training import selectors, services
from training.errors import BookingError
from training.models import Booking, Session

from .factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def statuses(session):
    return list(session.bookings.order_by("pk").values_list("email", "status", "waitlist_position"))


def test_full_session_waitlists_the_21st_booking_with_position_1(book):
    session = SessionFactory(capacity=20)
    for n in range(20):
        assert book(session, f"p{n}@example.org").status == Booking.Status.CONFIRMED
    waiting = book(session, "late@example.org")
    assert waiting.status == Booking.Status.WAITLISTED
    assert waiting.waitlist_position == 1
    assert book(session, "later@example.org").waitlist_position == 2


def test_same_email_twice_makes_one_booking_whatever_the_case_and_emails_the_address(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    first = book(session, "sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again = book(session, "  SAM@Example.org ", confirm=False)
    assert again.pk == first.pk
    assert session.bookings.count() == 1
    [message] = mailoutbox
    assert message.to == ["sam@example.org"]
    assert message.subject.startswith("You already have a booking")
    assert first.get_absolute_url() in message.body


def test_a_cancelled_booking_does_not_stop_booking_again(book):
    session = SessionFactory()
    first = book(session, "sam@example.org")
    services.booking_cancel(booking=first, by=Booking.CancelledBy.PERSON)
    assert book(session, "sam@example.org").status == Booking.Status.CONFIRMED


def test_the_database_refuses_a_second_active_booking_for_one_email():
    session = SessionFactory()
    BookingFactory(session=session, email="sam@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=session, email="Sam@example.org")


def test_the_same_form_sent_twice_returns_the_first_booking_and_sends_one_email(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = book(session, "sam@example.org", form_key="abc")
    with django_capture_on_commit_callbacks(execute=True):
        again = book(session, "sam@example.org", form_key="abc")
    assert again.pk == first.pk
    assert session.bookings.count() == 1
    assert len(mailoutbox) == 1


def test_a_full_session_asks_before_waitlisting_when_the_person_wanted_a_place(book):
    session = SessionFactory(capacity=1)
    book(session, "first@example.org")
    with pytest.raises(BookingError) as error:
        book(session, "second@example.org", waitlist_ok=False)
    assert error.value.code == "session_full"
    assert session.bookings.count() == 1


@pytest.mark.parametrize(
    ("session_kwargs", "code"),
    [
        ({"status": Session.Status.CANCELLED}, "session_cancelled"),
        (
            {"starts_at": timezone.now() - timedelta(days=1)},
            "session_closed",
        ),
        (
            {"booking_closes_at": timezone.now() - timedelta(minutes=1)},
            "session_closed",
        ),
        (
            {"booking_opens_at": timezone.now() + timedelta(days=2)},
            "session_not_open",
        ),
        ({"course__active": False}, "course_withdrawn"),
    ],
)
def test_sessions_not_taking_bookings_refuse_them(book, session_kwargs, code):
    session = SessionFactory(**session_kwargs)
    with pytest.raises(BookingError) as error:
        book(session, "sam@example.org")
    assert error.value.code == code
    assert str(error.value)
    assert not session.bookings.exists()


def test_cancelling_a_place_promotes_the_first_waiting_and_emails_them(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    holder = book(session, "holder@example.org")
    book(session, "first@example.org")
    book(session, "second@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=holder, by=Booking.CancelledBy.PERSON)
    assert statuses(session) == [
        ("holder@example.org", "cancelled", None),
        ("first@example.org", "confirmed", None),
        ("second@example.org", "waitlisted", 2),
    ]
    second = session.bookings.get(email="second@example.org")
    assert selectors.waitlist_place(booking=second) == 1
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"holder@example.org", "first@example.org"}
    assert by_recipient["first@example.org"].subject.startswith("A place has come up")
    assert "Booking cancelled" in by_recipient["holder@example.org"].subject


def test_leaving_the_waiting_list_promotes_nobody(book):
    session = SessionFactory(capacity=1)
    book(session, "holder@example.org")
    waiting = book(session, "waiting@example.org")
    assert services.booking_cancel(booking=waiting, by=Booking.CancelledBy.PERSON).status == (
        Booking.Status.CANCELLED
    )
    assert session.bookings.filter(status=Booking.Status.CONFIRMED).count() == 1


def test_a_person_cannot_cancel_after_the_start_but_staff_can(book):
    session = SessionFactory()
    booking = book(session, "sam@example.org")
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(BookingError) as error:
        services.booking_cancel(booking=booking, by=Booking.CancelledBy.PERSON)
    assert error.value.code == "session_started"
    services.booking_cancel(booking=booking, by=Booking.CancelledBy.STAFF)
    booking.refresh_from_db()
    assert booking.cancelled_by == "staff"


def test_cancelling_twice_says_so(book):
    booking = book(SessionFactory(), "sam@example.org")
    services.booking_cancel(booking=booking, by=Booking.CancelledBy.PERSON)
    with pytest.raises(BookingError, match="already been cancelled"):
        services.booking_cancel(booking=booking, by=Booking.CancelledBy.PERSON)


def test_raising_capacity_promotes_as_many_as_fit_in_queue_order(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    for n in range(5):
        book(session, f"p{n}@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.session_set_capacity(session=session, capacity=3, by=StaffFactory())
    assert [b.email for b in promoted] == ["p1@example.org", "p2@example.org"]
    assert sorted(m.to[0] for m in mailoutbox) == ["p1@example.org", "p2@example.org"]
    session.refresh_from_db()
    assert session.capacity == 3


def test_a_capacity_change_is_audited_as_the_staff_member_s_with_the_session(book):
    session = SessionFactory(capacity=1, course__title="Eyes on the Baby")
    staff = StaffFactory()
    services.session_set_capacity(session=session, capacity=4, by=staff)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.count) == (staff, "capacity_changed", 4)
    assert entry.subject.startswith("Eyes on the Baby")
    assert entry.subject.endswith(": 1 to 4 places")


def test_capacity_cannot_drop_below_the_places_counted(book):
    session = SessionFactory(capacity=3)
    book(session, "a@example.org")
    book(session, "b@example.org")
    with pytest.raises(BookingError, match="2 people already have a place"):
        services.session_set_capacity(session=session, capacity=1, by=StaffFactory())
    assert not AuditEntry.objects.exists()


def test_cancelling_a_session_emails_everyone_booked_or_waiting(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    book(session, "holder@example.org")
    book(session, "waiting@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_cancel(session=session, reason="The trainer is ill.") == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["holder@example.org", "waiting@example.org"]
    assert all("Session cancelled" in m.subject for m in mailoutbox)
    assert "The trainer is ill." in mailoutbox[0].body
    calendar = icalendar.Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert calendar["method"] == "CANCEL"
    assert not session.bookings.exclude(status=Booking.Status.CANCELLED).exists()


def test_confirmation_email_has_a_calendar_file_and_joining_details_for_online_sessions(
    book, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portal.example.org"
    session = SessionFactory(venue="", address="", joining_url="https://teams.example/join")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(session, "sam@example.org")
    [message] = mailoutbox
    assert message.subject.startswith("Booking confirmed")
    assert f"https://portal.example.org/training/bookings/{booking.manage_token}/" in message.body
    assert "https://teams.example/join" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at
    assert "https://teams.example/join" in str(event["description"])


def test_waiting_list_email_has_no_joining_details_and_no_calendar_file(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=0, venue="", joining_url="https://teams.example/join")
    with django_capture_on_commit_callbacks(execute=True):
        book(session, "sam@example.org")
    [message] = mailoutbox
    assert "waiting list" in message.subject
    assert "number 1 in the queue" in message.body
    assert "teams.example" not in message.body + message.alternatives[0].content
    assert message.attachments == []


def test_move_up_swaps_with_the_person_ahead(book):
    session = SessionFactory(capacity=0)
    first, _second, third = (book(session, f"p{n}@example.org") for n in range(3))
    services.booking_move_up(booking=third)
    order = list(
        session.bookings.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("email", flat=True)
    )
    assert order == ["p0@example.org", "p2@example.org", "p1@example.org"]
    with pytest.raises(BookingError, match="already first"):
        services.booking_move_up(booking=first)


def test_attendance_is_marked_from_the_day_of_the_session_for_people_with_a_place(book):
    session = SessionFactory(capacity=1)
    place, waiting = book(session, "a@example.org"), book(session, "b@example.org")
    with pytest.raises(BookingError, match="from the day of the session"):
        services.booking_mark_attendance(booking=place, attended=True)
    on_the_day = session.starts_at
    assert (
        services.booking_mark_attendance(booking=place, attended=False, now=on_the_day).status
        == Booking.Status.DID_NOT_ATTEND
    )
    with pytest.raises(BookingError, match="confirmed place"):
        services.booking_mark_attendance(booking=waiting, attended=True, now=on_the_day)


def test_bookings_are_deleted_three_years_after_their_session():
    now = timezone.now()
    old = SessionFactory(starts_at=now - timedelta(days=3 * 365 + 10))
    recent = SessionFactory(starts_at=now - timedelta(days=3 * 365 - 10))
    BookingFactory(session=old)
    kept = BookingFactory(session=recent)
    assert services.booking_purge_expired(now=now) == 1
    assert list(Booking.objects.all()) == [kept]
    assert Session.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_booking_stuck_behind_a_held_session_lock_is_told_the_session_is_busy(monkeypatch):
    from dscp import locking

    monkeypatch.setattr(locking, "LOCK_WAIT_SECONDS", 0.5)
    session = SessionFactory()
    # Another request's transaction, stuck while holding the session's row.
    with locked_elsewhere(session), pytest.raises(BookingError) as error:
        services.booking_create(
            session=session, name="Sam", email="sam@example.org", job_role="Teacher"
        )
    assert error.value.code == "busy"
    assert "try again" in error.value.message
    assert not session.bookings.exists()
