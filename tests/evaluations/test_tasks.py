import pytest
from django.core import mail

from evaluations import tasks
from tests.support.mail import check_retried_then_given_up

from .factories import AttendedBookingFactory

pytestmark = pytest.mark.django_db


def test_the_task_emails_each_attendee_once():
    booking = AttendedBookingFactory()
    assert tasks.invitations_send_due.delay().get() == 1
    assert tasks.invitations_send_due.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[booking.email]]


def test_invitations_are_tried_again_while_the_relay_is_busy_then_given_up(monkeypatch, mailoutbox):
    def send_one_due():
        AttendedBookingFactory()
        tasks.invitations_send_due.delay()

    check_retried_then_given_up(monkeypatch, mailoutbox, send_one_due)
