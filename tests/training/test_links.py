"""booking_from_token: the one way a training link (confirm or manage) becomes its booking."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.utils import timezone

from training import selectors, services, tokens
from training.errors import BookingError
from training.models import Booking

from .factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _refused(token: str, purpose: str) -> BookingError:
    with pytest.raises(BookingError) as caught:
        selectors.booking_from_token(token=token, purpose=purpose)
    return caught.value


def test_a_manage_link_names_its_booking():
    booking = BookingFactory()
    found = selectors.booking_from_token(token=booking.manage_token, purpose="manage")
    assert found == booking


def test_a_changed_manage_link_is_unknown():
    booking = BookingFactory()
    assert _refused(booking.manage_token[:-1] + "x", "manage").code == "link_unknown"


def test_a_confirmation_link_names_its_booking(book):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    token = tokens.make_confirm_token(booking=booking)
    assert selectors.booking_from_token(token=token, purpose="confirm") == booking


def test_a_tampered_confirmation_link_is_invalid(book):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    token = tokens.make_confirm_token(booking=booking)
    assert _refused(token[:-3] + "abc", "confirm").code == "link_invalid"
    assert _refused("nonsense", "confirm").code == "link_invalid"


def test_a_confirmation_link_whose_booking_is_gone_or_erased_is_unknown(book):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    token = tokens.make_confirm_token(booking=booking)
    Booking.objects.filter(pk=booking.pk).update(manage_token="replaced-by-erasure")
    assert _refused(token, "confirm").code == "link_unknown"
    Booking.objects.filter(pk=booking.pk).delete()
    assert _refused(token, "confirm").code == "link_unknown"


def test_an_expired_confirmation_link_names_its_booking(book, monkeypatch):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    made_at = timezone.now() - timedelta(hours=settings.TRAINING_BOOKING_HOLD_HOURS + 1)
    monkeypatch.setattr(signing.time, "time", lambda: made_at.timestamp())
    token = tokens.make_confirm_token(booking=booking)
    monkeypatch.undo()
    error = _refused(token, "confirm")
    assert (error.code, error.booking) == ("link_expired", booking)


def test_a_confirmation_link_after_the_hold_was_released_names_its_booking(book):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    token = tokens.make_confirm_token(booking=booking)
    services.booking_release_unconfirmed(now=booking.hold_expires_at + timedelta(minutes=1))
    error = _refused(token, "confirm")
    assert (error.code, error.booking) == ("hold_released", booking)


def test_a_confirmation_link_stops_working_when_its_hold_lapses_though_its_email_came_late(book):
    """The storm soak found a place confirmed after its hold lapsed: the email, delayed by a
    busy relay, carried a link dated from when it was sent, and the release had not run."""
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    token = tokens.make_confirm_token(booking=booking)  # a fresh link...
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now())  # ...too late
    error = _refused(token, "confirm")
    assert (error.code, error.booking) == ("link_expired", booking)
