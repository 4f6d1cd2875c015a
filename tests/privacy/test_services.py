"""A person's data: exported whole, and erased so that a search of the database finds nothing."""

import json
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from dscp.addresses import email_hash
from evaluations.models import Certificate, Response
from privacy.selectors import person_data_export
from privacy.services import person_data_erase
from subscriptions.models import Subscriber, Suppression
from subscriptions.selectors import subscriber_links
from tests.evaluations.factories import InvitationFactory, ResponseFactory
from tests.factories import StaffFactory
from tests.subscriptions.factories import SubscriptionFactory
from tests.training.factories import BookingFactory
from training.models import Booking

pytestmark = pytest.mark.django_db

EMAIL = "sam.robson@example.org"


@pytest.fixture
def person():
    """Sam: a subscriber who booked twice (once in capitals), gave feedback, has a certificate
    and is named as someone's line manager."""
    subscription = SubscriptionFactory(subscriber__email=EMAIL, subscriber__name="Sam Robson")
    booking = BookingFactory(email=EMAIL, name="Sam Robson", phone="0191 000 1234", needs="Ramp")
    BookingFactory(email=EMAIL.upper(), name="Sam Robson", line_manager_email="boss@example.org")
    BookingFactory(name="Alex Lee", line_manager_email=EMAIL)  # Sam manages Alex
    invitation = InvitationFactory(booking__email=EMAIL, booking__name="Sam Robson")
    response = ResponseFactory(
        booking=invitation.booking, source=Response.Source.INVITED, comments="Useful day"
    )
    Certificate.objects.create(
        response=response, name="Sam Robson", title="Course", held_on=response.held_on, hours=3
    )
    subscriber = subscription.subscriber
    LogEntry.objects.create(
        user=StaffFactory(),
        content_type=ContentType.objects.get_for_model(Subscriber),
        object_id=str(subscriber.pk),
        object_repr=str(subscriber),
        action_flag=CHANGE,
        change_message=f"Changed name for {EMAIL}",
    )
    return booking


def rows_mentioning(text: str) -> dict[str, int]:
    """Every table in the database with a row whose text holds ``text``, and how many."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s',  # noqa: S608
                [f"%{text}%"],
            )
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def test_export_holds_subscriptions_consent_bookings_and_feedback(person):
    data = person_data_export(email=EMAIL)
    assert data["email"] == EMAIL
    assert data["subscriptions"] and "consent_records" in data
    assert len(data["bookings"]) == 3
    assert {b["access_or_dietary_needs"] for b in data["bookings"]} >= {"Ramp"}
    assert data["feedback"][0]["comments"] == "Useful day"
    json.dumps(data)


def test_after_erasure_the_database_holds_nothing_but_the_suppression_hash(person):
    assert rows_mentioning("sam.robson") != {}
    sessions = {b.session_id for b in Booking.objects.all()}

    counts = person_data_erase(email=EMAIL)

    assert rows_mentioning("sam.robson") == {}
    assert rows_mentioning("Sam Robson") == {}
    assert rows_mentioning("0191 000 1234") == {}
    assert rows_mentioning("boss@example.org") == {}
    assert Suppression.objects.filter(email_hash=email_hash(EMAIL)).exists()
    # Figures still add up: the bookings stay, anonymised, and the feedback stays, unlinked.
    assert {b.session_id for b in Booking.objects.all()} == sessions
    assert Response.objects.get().comments == "Useful day"
    assert counts == {"subscriber": 1, "bookings": 3, "certificates": 1, "admin_log_entries": 1}
    assert AuditEntry.objects.filter(action="erased", actor=None).exists()


def test_an_erased_persons_manage_link_no_longer_opens_their_booking(client, person):
    url = reverse("training:booking_manage", args=[person.manage_token])
    assert client.get(url).status_code == 200
    person_data_erase(email=EMAIL)
    assert client.get(url).status_code == 404


def test_the_command_exports_and_erases_by_address(person):
    out = StringIO()
    call_command("person_data", EMAIL, "--export", stdout=out)
    assert json.loads(out.getvalue())["email"] == EMAIL
    call_command("person_data", EMAIL, "--erase", stdout=StringIO())
    assert rows_mentioning("sam.robson") == {}


def _erase_by_admin_action(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "erase", "_selected_action": [Subscriber.objects.get(email=EMAIL).pk]},
    )
    return staff


def _erase_from_the_preferences_page(client):
    links = subscriber_links(subscriber=Subscriber.objects.get(email=EMAIL))
    client.post(links["preferences_url"].removeprefix("http://testserver") + "erase/")


def _erase_by_command(client):
    call_command("person_data", EMAIL, "--erase", stdout=StringIO())


ERASE_PATHS = {
    "admin action": _erase_by_admin_action,
    "preferences page": _erase_from_the_preferences_page,
    "command": _erase_by_command,
}


@pytest.mark.parametrize("way", ERASE_PATHS)
def test_every_way_to_erase_leaves_nothing_but_the_suppression_hash(client, person, way):
    booking_count = Booking.objects.count()
    actor = ERASE_PATHS[way](client)

    assert rows_mentioning("sam.robson") == {}
    assert rows_mentioning("Sam Robson") == {}
    assert rows_mentioning("0191 000 1234") == {}
    assert Suppression.objects.filter(email_hash=email_hash(EMAIL)).exists()
    assert Booking.objects.count() == booking_count
    entry = AuditEntry.objects.get(action="erased")
    assert (entry.actor, entry.count) == (actor, 1)
