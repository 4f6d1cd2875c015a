from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from training.models import Booking

from .factories import BookingFactory, CourseFactory, ExternalEventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_a_session_cannot_end_before_it_starts():
    session = SessionFactory.build()
    session.course = CourseFactory()
    session.ends_at = session.starts_at - timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_only_waitlisted_bookings_have_a_position_and_positions_are_unique():
    session = SessionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=session, status=Booking.Status.CONFIRMED, waitlist_position=1)
    BookingFactory(session=session, status=Booking.Status.WAITLISTED, waitlist_position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=session, status=Booking.Status.WAITLISTED, waitlist_position=1)


def test_a_booking_needs_an_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(agency=None, agency_other="")


def test_public_urls():
    course = CourseFactory(slug="eyes-on-the-baby")
    assert course.get_absolute_url() == "/training/courses/eyes-on-the-baby/"
    event = ExternalEventFactory(slug="dads-2023")
    assert event.get_absolute_url() == "/training/events/dads-2023/"
    assert len(BookingFactory().manage_token) >= 40


@pytest.mark.parametrize("status", ["confirmed", "attended", "did_not_attend"])
def test_no_booked_place_without_a_confirmed_address(status):
    booking = BookingFactory(status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(verified_at=None)


def test_only_a_cancelled_booking_remembers_holding_a_place():
    booking = BookingFactory(status=Booking.Status.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(cancelled_with_place=True)
