"""An optional line manager's email gets a copy of the confirmation, and nothing that
would let them change the booking or join in the person's place."""

import pytest

from training import services, tasks
from training.models import Booking

from .factories import BookingFactory, SessionFactory
from .test_views import confirm_link, form_data

pytestmark = pytest.mark.django_db


def test_a_line_manager_gets_a_copy_of_the_confirmation_without_the_person_s_links(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        course__title="Eyes on the Baby",
        venue="",
        address="",
        joining_url="https://teams.example/join",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            session.get_absolute_url(),
            form_data(agency, line_manager_email="  manager@example.org "),
        )
    booking = Booking.objects.get()
    assert booking.line_manager_email == "manager@example.org"
    # Nothing goes to the manager until the person confirms by the emailed link.
    [request] = mailoutbox
    assert request.to == ["sam@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(request))
    _, person, manager = mailoutbox
    assert person.to == ["sam@example.org"] and manager.to == ["manager@example.org"]
    assert manager.subject.startswith("Sam Robson has booked: Eyes on the Baby,")
    html = manager.alternatives[0][0]
    for part in (manager.body, html):
        assert "Sam Robson has a place." in part
        assert booking.manage_token not in part
        assert "teams.example" not in part
    assert "teams.example/join" in person.body
    assert manager.attachments == []


def test_a_place_on_the_waiting_list_is_copied_as_such(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            session.get_absolute_url(),
            form_data(agency, waitlist="True", line_manager_email="manager@example.org"),
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    assert "is on the waiting list" in mailoutbox[2].subject
    assert "We will email them if a place comes up." in mailoutbox[2].body


def test_no_copy_without_a_line_manager_or_once_the_booking_is_cancelled(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(session.get_absolute_url(), form_data(agency))
    assert [m.to for m in mailoutbox] == [["sam@example.org"]]
    booking = Booking.objects.get()
    Booking.objects.filter(pk=booking.pk).update(
        status="cancelled", line_manager_email="manager@example.org"
    )
    tasks.booking_send_confirmation.delay(booking_id=booking.pk)  # a late run sends nothing
    assert len(mailoutbox) == 1


def test_a_mistyped_line_manager_email_is_explained_next_to_the_field(client, agency):
    session = SessionFactory()
    response = client.post(
        session.get_absolute_url(), form_data(agency, line_manager_email="manager@")
    )
    assert response.context["form"].errors["line_manager_email"] == [
        "Enter your line manager's email address in the correct format, like name@example.org"
    ]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("confirms", ["while waiting", "once a place comes up"])
def test_a_line_manager_hears_when_a_place_comes_up_from_the_waiting_list(
    client, agency, mailoutbox, django_capture_on_commit_callbacks, confirms
):
    session = SessionFactory(capacity=1)
    ahead = BookingFactory(session=session, status=Booking.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            session.get_absolute_url(),
            form_data(agency, waitlist="True", line_manager_email="manager@example.org"),
        )
    link = confirm_link(mailoutbox[0])
    if confirms == "while waiting":
        with django_capture_on_commit_callbacks(execute=True):
            client.post(link)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=ahead, by=Booking.CancelledBy.PERSON)
    if confirms == "once a place comes up":
        with django_capture_on_commit_callbacks(execute=True):
            client.post(link)
    assert Booking.objects.get(email="sam@example.org").status == Booking.Status.CONFIRMED
    [copy] = [
        m for m in mailoutbox if m.to == ["manager@example.org"] and "has booked" in m.subject
    ]
    for part in (copy.body, copy.alternatives[0][0]):
        assert "A place came up on the waiting list and Sam Robson now has it." in part
    assert copy.attachments == []
