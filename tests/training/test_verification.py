"""Bookings by verified people: a booking post only holds a place until the person follows
the emailed link; unconfirmed holds are nobody's booking and lapse to the waiting list."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dscp.celery import app
from privacy.services import person_data_erase
from tests.factories import StaffFactory
from training import selectors, services, tokens
from training.models import Booking

from .factories import BookingFactory, SessionFactory
from .test_views import confirm_link, form_data

pytestmark = pytest.mark.django_db


def post_booking(client, session, agency, **overrides):
    return client.post(session.get_absolute_url(), form_data(agency, **overrides))


def test_an_unconfirmed_hold_takes_a_place_but_is_not_booked(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=2, starts_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session, agency)
    hold = Booking.objects.get()
    counted = selectors.session_with_counts(pk=session.pk)
    assert (counted.places_booked, counted.awaiting, counted.places_left) == (0, 1, 1)
    # Not on the register, not reminded, no calendar file, no joining details.
    assert selectors.register(session=session) == []
    assert services.booking_send_due_reminders() == 0
    assert (
        client.get(reverse("training:booking_calendar", args=[hold.manage_token])).status_code
        == 404
    )
    assert not hold.has_place
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Confirm your booking"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    assert [b.email for b in selectors.register(session=session)] == ["sam@example.org"]
    # Confirmed inside the reminder window: the confirmation is the reminder.
    assert services.booking_send_due_reminders() == 0
    assert mailoutbox[-1].subject.startswith("Booking confirmed")


def test_the_emailed_link_confirms_once(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session, agency)
    link = confirm_link(mailoutbox[0])
    answers = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(link))
    answers.append(client.get(link))
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert {a.url for a in answers} == {
        reverse("training:booking_confirmation", args=[booking.manage_token])
    }
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "Confirm your booking",
        "Booking confirmed",
    ]


def test_an_expired_hold_is_released_to_the_waiting_list_by_the_beat_task(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    held = book(session, "held@example.org", confirm=False)
    waiting = book(session, "waiting@example.org")
    assert waiting.status == Booking.Status.WAITLISTED
    # The task beat runs, looked up by the name in the schedule, as the worker does.
    name = settings.CELERY_BEAT_SCHEDULE["release-unconfirmed-training-bookings"]["task"]
    with django_capture_on_commit_callbacks(execute=True):
        assert app.tasks[name].delay().get() == 0  # not due yet
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert app.tasks[name].delay().get() == 1
        assert app.tasks[name].delay().get() == 0
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.status, held.cancelled_by) == ("cancelled", "unconfirmed")
    assert waiting.status == Booking.Status.CONFIRMED
    [promotion] = mailoutbox
    assert promotion.to == ["waiting@example.org"]
    assert promotion.subject.startswith("A place has come up")


def test_a_second_post_for_the_same_email_gets_the_same_page_and_a_you_have_a_place_email(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = post_booking(client, session, agency, form_key="first")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    with django_capture_on_commit_callbacks(execute=True):
        second = post_booking(client, session, agency, form_key="second", name="Someone Else")
    assert second.url == first.url
    assert client.get(second.url).content == client.get(first.url).content
    booking = Booking.objects.get()
    assert booking.name == "Sam Robson"
    already = mailoutbox[-1]
    assert already.to == ["sam@example.org"]
    assert already.subject.startswith("You already have a booking")
    assert "You already have a place." in already.body
    assert booking.get_absolute_url() in already.body


def test_a_second_post_while_the_first_awaits_confirmation_sends_the_link_again(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session, agency, form_key="first")
        post_booking(client, session, agency, form_key="second")
    assert Booking.objects.count() == 1
    first, again = mailoutbox
    assert again.subject == first.subject and again.subject.startswith("Confirm your booking")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(again))
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_a_full_session_refuses_a_booked_address_exactly_as_a_new_one(client, agency):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session, email="sam@example.org")
    answers = [
        # The CSRF token is masked afresh on every page; nothing else may differ.
        re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"',
            "",
            post_booking(client, session, agency, email=email, form_key="key").content.decode(),
        )
        for email in ["sam@example.org", "new@example.org"]
    ]
    assert "The last place on this session has just been taken" in answers[0]
    assert answers[0].replace("sam@example.org", "new@example.org") == answers[1]


def test_a_waiting_list_person_promoted_before_confirming_gets_a_hold_and_the_link(
    book, mailoutbox, django_capture_on_commit_callbacks, client
):
    session = SessionFactory(capacity=1)
    holder = book(session, "holder@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = book(session, "waiting@example.org", confirm=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=holder, by=Booking.CancelledBy.PERSON)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.UNCONFIRMED
    promotion = next(m for m in mailoutbox if m.to == ["waiting@example.org"])
    assert "we are holding it for you" in promotion.body
    assert not promotion.attachments
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(promotion))
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_staff_confirm_a_hold_in_admin(
    client, book, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory(username="lead"))
    session = SessionFactory()
    hold = book(session, "phoned@example.org", confirm=False)
    register = client.get(reverse("admin:training_session_register", args=[session.pk]))
    assert "Places held, not yet confirmed" in register.content.decode()
    assert "(phoned@example.org), released if not confirmed by " in register.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:training_booking_changelist"),
            {"action": "confirm_bookings", ACTION_CHECKBOX_NAME: [hold.pk]},
        )
    hold.refresh_from_db()
    assert hold.status == Booking.Status.CONFIRMED and hold.verified_at
    assert mailoutbox[-1].subject.startswith("Booking confirmed")


@pytest.mark.parametrize(
    ("make_link", "status", "heading"),
    [
        (lambda booking: "not-a-token", 400, "This link does not work"),
        (
            lambda booking: signing.dumps({"b": booking.pk, "t": "wrong"}, salt="other"),
            400,
            "This link does not work",
        ),
    ],
)
def test_a_forged_link_gets_a_help_page(client, book, make_link, status, heading):
    booking = book(SessionFactory(), "sam@example.org", confirm=False)
    response = client.get(reverse("training:booking_confirm", args=[make_link(booking)]))
    assert response.status_code == status
    assert heading in response.content.decode()


def test_an_expired_link_offers_to_book_again(client, book, monkeypatch):
    session = SessionFactory()
    booking = book(session, "sam@example.org", confirm=False)
    made_at = timezone.now() - timedelta(hours=settings.TRAINING_BOOKING_HOLD_HOURS + 1)
    monkeypatch.setattr(signing.time, "time", lambda: made_at.timestamp())
    token = tokens.make_confirm_token(booking=booking)
    monkeypatch.undo()
    response = client.get(reverse("training:booking_confirm", args=[token]))
    html = response.content.decode()
    assert response.status_code == 410
    assert "<title>This link has expired – " in html
    assert '<h1 class="govuk-heading-l">This link has expired</h1>' in html
    assert f'href="{session.get_absolute_url()}"' in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.UNCONFIRMED


def test_an_erased_persons_link_no_longer_works(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session, agency)
    person_data_erase(email="sam@example.org")
    response = client.get(confirm_link(mailoutbox[0]))
    assert response.status_code == 404
    assert "sam@example.org" not in response.content.decode()


def test_two_hundred_people_behind_one_address_book_at_the_default_limits(client, agency):
    # One NHS trust's offices, one NAT address: 20 places held, 180 take the waiting list.
    cache.clear()  # counts left by other tests in this window
    session = SessionFactory(capacity=20)
    codes = Counter()
    for n in range(200):
        data = form_data(agency, email=f"person{n}@nhs.example", form_key=str(n))
        answer = client.post(session.get_absolute_url(), data)
        if answer.status_code == 200:  # lost the last place: offered the waiting list
            answer = client.post(session.get_absolute_url(), {**data, "waitlist": "True"})
        codes[answer.status_code] += 1
    assert codes == {302: 200}
    assert Counter(session.bookings.values_list("status", flat=True)) == {
        Booking.Status.UNCONFIRMED: 20,
        Booking.Status.WAITLISTED: 180,
    }
