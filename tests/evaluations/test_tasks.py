import pytest
from django.core import mail

from evaluations import tasks

from .factories import AttendedBookingFactory

pytestmark = pytest.mark.django_db


def test_the_task_emails_each_attendee_once():
    booking = AttendedBookingFactory()
    assert tasks.invitations_send_due.delay().get() == 1
    assert tasks.invitations_send_due.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[booking.email]]
