"""Events run by others: registered for on the organiser's site, or booked here like a session."""

import pytest
from django.db import IntegrityError

from training.models import Booking

from .factories import BookingFactory, ExternalEventFactory, SessionFactory
from .test_views import confirm_link, form_data

pytestmark = pytest.mark.django_db


def test_an_event_booked_here_offers_its_places_and_books_like_a_session(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=2, course__title="Dads and Male Carers Conference")
    BookingFactory(session=session)
    event = ExternalEventFactory(title="Dads and Male Carers Conference", session=session)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "1 place left" in html and "left ." not in html
    assert f'href="{session.get_absolute_url()}"' in html
    assert "organiser&#x27;s website" not in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(session.get_absolute_url(), form_data(agency))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    assert Booking.objects.get(email="sam@example.org").status == Booking.Status.CONFIRMED
    assert "Dads and Male Carers Conference" in mailoutbox[0].subject
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Full – join the waiting list" in html and "Join the waiting list" in html


def test_an_event_booked_here_whose_session_is_cancelled_says_bookings_are_closed(client):
    session = SessionFactory(status="cancelled")
    event = ExternalEventFactory(session=session)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Bookings are closed" in html
    assert f'href="{session.get_absolute_url()}"' not in html


def test_an_event_links_out_or_is_booked_here_never_both():
    with pytest.raises(IntegrityError):
        ExternalEventFactory(booking_url="https://events.example/", session=SessionFactory())
