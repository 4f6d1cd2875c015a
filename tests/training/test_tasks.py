from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from tests.support.mail import check_retried_then_given_up
from training import notifications, tasks
from training.models import Booking, Session

from .factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_reminder_task_run_twice_sends_one_reminder_per_booking(mailoutbox):
    soon = SessionFactory(starts_at=timezone.now() + timedelta(days=1, hours=3))
    later = SessionFactory(starts_at=timezone.now() + timedelta(days=5))
    people = BookingFactory.create_batch(3, session=soon)
    BookingFactory(session=soon, status=Booking.Status.WAITLISTED, waitlist_position=1)
    BookingFactory(session=soon, status=Booking.Status.CANCELLED)
    BookingFactory(session=later)

    assert tasks.booking_send_due_reminders.delay().get() == 3
    assert tasks.booking_send_due_reminders.delay().get() == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert all(m.subject.startswith("Reminder:") for m in mailoutbox)
    assert all(m.attachments for m in mailoutbox)


def test_no_reminders_for_a_cancelled_session(mailoutbox):
    session = SessionFactory(
        starts_at=timezone.now() + timedelta(days=1), status=Session.Status.CANCELLED
    )
    BookingFactory(session=session)
    assert tasks.booking_send_due_reminders.delay().get() == 0
    assert mailoutbox == []


def test_a_booking_made_inside_the_reminder_window_gets_no_separate_reminder(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        book(session, "sam@example.org")
    tasks.booking_send_due_reminders.delay()
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Booking confirmed"]


def test_a_failed_reminder_is_tried_again_on_the_next_run(mailoutbox, monkeypatch):
    booking = BookingFactory(session=SessionFactory(starts_at=timezone.now() + timedelta(days=1)))
    real_send = notifications.booking_send_reminder

    def refuse(**kwargs):
        raise OSError("relay down")

    monkeypatch.setattr(notifications, "booking_send_reminder", refuse)
    with pytest.raises(OSError):
        tasks.booking_send_due_reminders.delay()
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None

    monkeypatch.setattr(notifications, "booking_send_reminder", real_send)
    assert tasks.booking_send_due_reminders.delay().get() == 1
    assert [m.to[0] for m in mailoutbox] == [booking.email]


def test_purge_task_deletes_old_bookings():
    old = SessionFactory(starts_at=timezone.now() - timedelta(days=4 * 365))
    BookingFactory(session=old)
    assert tasks.booking_purge_expired.delay().get() == 1
    assert not Booking.objects.exists()


def test_reminder_gives_a_confirmed_person_the_joining_link(mailoutbox):
    online = SessionFactory(
        starts_at=timezone.now() + timedelta(days=1, hours=3),
        venue="",
        address="",
        joining_url="https://teams.example/join-dscp",
    )
    BookingFactory(session=online)
    tasks.booking_send_due_reminders.delay()
    [reminder] = mailoutbox
    assert "Joining link: https://teams.example/join-dscp" in reminder.body
    [event] = icalendar.Calendar.from_ical(reminder.attachments[0][1]).walk("VEVENT")
    assert str(event["location"]) == "https://teams.example/join-dscp"


def test_a_booking_email_is_tried_again_while_the_relay_is_busy_then_given_up(
    monkeypatch, mailoutbox
):
    booking = BookingFactory()
    check_retried_then_given_up(
        monkeypatch,
        mailoutbox,
        lambda: tasks.booking_send_confirmation.delay(booking_id=booking.pk),
    )


def test_a_booking_email_for_a_purged_booking_is_not_sent(mailoutbox):
    tasks.booking_send_confirmation.delay(booking_id=999_999)
    assert mailoutbox == []
