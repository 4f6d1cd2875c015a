import re
from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from priorities.models import Priority
from training import selectors
from training.models import Booking, Session

from .factories import (
    AgencyFactory,
    BookingFactory,
    CourseFactory,
    ExternalEventFactory,
    JobRoleFactory,
    SessionFactory,
    StrandFactory,
)

pytestmark = pytest.mark.django_db


def confirm_link(message) -> str:
    """The path of the confirmation link in an email."""
    return re.search(r"http://testserver(/training/bookings/confirm/[^/\s]+/)", message.body)[1]


def form_data(organisation, **overrides):
    return {
        "name": "Sam Robson",
        "email": "sam@example.org",
        "phone": "",
        "agency": str(organisation.pk),
        "agency_other": "",
        "job_role": "Police Officer",
        "needs": "",
        "form_key": "key-1",
        "waitlist": "False",
        **overrides,
    }


@pytest.fixture
def baby():
    """A course in strands by job role, with a session for each strand."""
    course = CourseFactory(title="Eyes on the Baby", slug="eyes-on-the-baby", format="virtual")
    police = JobRoleFactory(name="Police Officers", sector="police", singular="a police officer")
    midwife = JobRoleFactory(name="Community Midwives")
    one = StrandFactory(course=course, number=1, title="Occasional contact")
    three = StrandFactory(course=course, number=3, title="Health care")
    one.roles.add(police)
    three.roles.add(midwife)
    SessionFactory(course=course, strand=one)
    SessionFactory(course=course, strand=three, starts_at=timezone.now() + timedelta(days=40))
    return course


def test_finder_picks_the_strand_for_a_job_role(client, baby):
    other = CourseFactory(title="Safer Recruitment")
    SessionFactory(course=other)
    response = client.get(reverse("training:course_list"), {"role": "community-midwives"})
    html = response.content.decode()
    assert "Your strand" in html and "Strand 3: Health care" in html
    assert "Safer Recruitment" in html  # a course without strands is for every role
    assert "Occasional contact" not in html


def test_finder_filters_by_format_priority_month_and_places(client, baby):
    priority = Priority.objects.create(
        number=3, title="The First 1001 Days", slug="the-first-1001-days", summary="Babies."
    )
    baby.priority = priority
    baby.save()
    full = CourseFactory(title="Full course", format="in_person")
    BookingFactory(session=SessionFactory(course=full, capacity=1))
    url = reverse("training:course_list")

    def titles(**params):
        return [c.title for c in client.get(url, params).context["page"]]

    assert titles(format="virtual") == ["Eyes on the Baby"]
    assert titles(priority="the-first-1001-days") == ["Eyes on the Baby"]
    assert titles(has_places="on") == ["Eyes on the Baby"]
    month = (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m")
    assert "Eyes on the Baby" in titles(month=month)


def test_finder_offers_to_clear_its_filters_once_some_are_set(client, baby):
    url = reverse("training:course_list")
    clear = f'href="{url}">Clear filters</a>'
    assert clear not in client.get(url).content.decode()
    assert clear in client.get(url, {"format": "virtual"}).content.decode()


def test_finder_queries_do_not_grow_with_courses(client, django_assert_max_num_queries, baby):
    for _ in range(5):
        SessionFactory(course=CourseFactory())
    with django_assert_max_num_queries(12):
        client.get(reverse("training:course_list"), {"role": "police-officers"})
    for _ in range(10):
        SessionFactory(course=CourseFactory())
    with django_assert_max_num_queries(12):
        client.get(reverse("training:course_list"), {"role": "police-officers"})


def test_course_page_shows_places_left_and_full_sessions_without_joining_details(client):
    course = CourseFactory()
    three_left = SessionFactory(
        course=course, capacity=4, venue="", joining_url="https://teams.example/secret"
    )
    BookingFactory(session=three_left)
    full = SessionFactory(course=course, capacity=1, starts_at=three_left.starts_at + timedelta(1))
    BookingFactory(session=full)
    html = client.get(course.get_absolute_url()).content.decode()
    assert "3 places left" in html
    assert "Full – join the waiting list" in html
    assert "teams.example" not in html
    booking_page = client.get(three_left.get_absolute_url()).content.decode()
    assert "teams.example" not in booking_page
    assert re.search(r">\s*3 places left\s*<", booking_page)  # no stray " ." after it


def test_which_strand_is_for_me_on_the_course_page(client, baby):
    html = client.get(baby.get_absolute_url(), {"role": "police-officers"}).content.decode()
    assert "As a police officer, book <strong>Strand 1: Occasional contact</strong>" in html


def test_booking_from_the_finder_fills_in_one_person_s_job_title(client, baby):
    session = baby.sessions.get(strand__number=1)
    html = client.get(session.get_absolute_url(), {"role": "police-officers"}).content.decode()
    assert 'value="Police officer"' in html


def test_finder_offers_every_job_role_grouped_by_sector(client, baby):
    JobRoleFactory(name="Teachers", sector="education", singular="a teacher")
    JobRoleFactory(name="Recruiters and HR Officers", sector="recruitment")
    html = client.get(reverse("training:course_list")).content.decode()
    assert re.search(r'<optgroup label="Education">\s*<option value="teachers"', html)
    assert '<optgroup label="Recruitment and HR">' in html
    assert '<optgroup label="Police">' in html
    # Roles without a sector yet are still offered, last.
    assert html.index('label="Other roles"') > html.index('label="Recruitment and HR"')


@pytest.fixture
def workshop():
    intro = CourseFactory(title="Safeguarding Children: Introduction (Group A)")
    course = CourseFactory(title="Safer Recruitment", prerequisite=intro)
    return SessionFactory(course=course)


def test_a_course_with_a_prerequisite_asks_the_person_to_confirm_it(client, agency, workshop):
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "I have completed Safeguarding Children: Introduction (Group A)" in page
    response = client.post(workshop.get_absolute_url(), form_data(agency))
    assert response.status_code == 200
    assert "Confirm you have completed Safeguarding Children" in response.content.decode()
    assert not Booking.objects.exists()
    client.post(workshop.get_absolute_url(), form_data(agency, has_prerequisite="on"))
    assert Booking.objects.get().prerequisite == Booking.Prerequisite.CONFIRMED


def test_a_prerequisite_on_the_register_needs_no_tick(client, agency, workshop):
    intro = workshop.course.prerequisite
    BookingFactory(
        session=SessionFactory(course=intro, starts_at=timezone.now() - timedelta(days=30)),
        email="Sam@Example.org",
        status=Booking.Status.ATTENDED,
    )
    response = client.post(workshop.get_absolute_url(), form_data(agency))
    assert response.status_code == 302
    assert Booking.objects.get(session=workshop).prerequisite == Booking.Prerequisite.ON_RECORD


def test_booking_a_place_asks_to_check_email_and_the_emailed_link_confirms_it(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(session.get_absolute_url(), form_data(agency))
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.UNCONFIRMED
    assert response.status_code == 302
    assert response.url == reverse("training:session_book_sent", args=[session.pk])
    page = client.get(response.url).content.decode()
    assert "Check your email" in page
    assert booking.manage_token not in page
    [request] = mailoutbox
    assert request.subject.startswith("Confirm your booking")
    assert booking.manage_token not in request.body
    assert not request.attachments

    link = confirm_link(request)
    assert "Confirm my booking" in client.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.url == reverse("training:booking_confirmation", args=[booking.manage_token])
    assert "Booking confirmed" in client.get(response.url).content.decode()
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "Confirm your booking",
        "Booking confirmed",
    ]
    assert mailoutbox[1].attachments


def test_double_clicked_submit_makes_one_booking(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(session.get_absolute_url(), form_data(agency))
        second = client.post(session.get_absolute_url(), form_data(agency))
    assert first.url == second.url
    assert Booking.objects.count() == 1
    assert len(mailoutbox) == 1


def test_missing_job_role_is_explained_next_to_the_field_and_keeps_what_was_typed(client, agency):
    session = SessionFactory()
    response = client.post(session.get_absolute_url(), form_data(agency, job_role=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter your job role" in html
    assert 'value="Sam Robson"' in html
    assert not Booking.objects.exists()


def test_other_organisation_needs_a_name(client, agency):
    session = SessionFactory()
    response = client.post(session.get_absolute_url(), form_data(agency, agency="other"))
    assert "Enter the name of your organisation" in response.content.decode()
    client.post(
        session.get_absolute_url(),
        form_data(agency, agency="other", agency_other="Little Acorns Nursery"),
    )
    assert Booking.objects.get().organisation == "Little Acorns Nursery"


def test_an_address_with_a_booking_gets_the_same_answer_as_a_new_one_and_an_email(
    client, agency, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    booked = BookingFactory(session=session, email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for email in ["sam@example.org", "new@example.org"]:
            data = form_data(agency, email=email, form_key=f"key-{email}")
            response = client.post(session.get_absolute_url(), data)
            assert response.status_code == 302
            assert response.url == reverse("training:session_book_sent", args=[session.pk])
    assert session.bookings.filter(email="sam@example.org").count() == 1
    already, new = mailoutbox
    assert already.to == ["sam@example.org"]
    assert already.subject.startswith("You already have a booking")
    assert booked.get_absolute_url() in already.body
    assert new.subject.startswith("Confirm your booking")


def test_losing_the_last_place_gets_a_short_page_offering_the_waiting_list(client, agency):
    session = SessionFactory(capacity=1)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Book a place" in page
    BookingFactory(session=session)  # the last place goes while the person types
    response = client.post(session.get_absolute_url(), form_data(agency))
    html = response.content.decode()
    assert "The last place on this session has just been taken" in html
    assert "Join the waiting list" in html
    # Not the whole form again: what they typed travels in hidden fields.
    assert "Full name" not in html
    assert '<input type="hidden" name="name" value="Sam Robson"' in html
    assert '<input type="hidden" name="waitlist" value="True"' in html
    assert session.bookings.count() == 1
    # Agreeing to wait puts them in the queue.
    response = client.post(session.get_absolute_url(), form_data(agency, waitlist="True"))
    booking = session.bookings.get(email="sam@example.org")
    assert booking.status == Booking.Status.WAITLISTED
    assert response.url == reverse("training:session_book_sent", args=[session.pk])


@pytest.mark.parametrize(
    ("kwargs", "heading"),
    [
        ({"status": Session.Status.CANCELLED}, "This session has been cancelled"),
        (
            {"starts_at": timezone.now() - timedelta(days=2)},
            "Bookings for this session have closed",
        ),
        (
            {"booking_closes_at": timezone.now() - timedelta(hours=1)},
            "Bookings for this session have closed",
        ),
    ],
)
def test_sessions_not_taking_bookings_explain_why(client, agency, kwargs, heading):
    session = SessionFactory(**kwargs)
    assert heading in client.get(session.get_absolute_url()).content.decode()
    response = client.post(session.get_absolute_url(), form_data(agency))
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert not Booking.objects.exists()


def test_unknown_session_is_a_404(client):
    assert client.get(reverse("training:session_book", args=[999999])).status_code == 404


def test_a_withdrawn_courses_booking_page_is_a_404_that_shows_nothing_of_it(client, agency):
    session = SessionFactory(course__active=False, course__title="Withdrawn Course", venue="Hall 9")
    url = reverse("training:session_book", args=[session.pk])
    for response in [client.get(url), client.post(url, form_data(agency))]:
        assert response.status_code == 404
        assert "Withdrawn Course" not in response.content.decode()
        assert "Hall 9" not in response.content.decode()
    assert not Booking.objects.exists()


def test_an_overlong_email_or_form_key_is_explained_not_a_500(client, agency):
    url = reverse("training:session_book", args=[SessionFactory().pk])
    data = form_data(agency, email="a" * 300 + "@example.org", form_key="k" * 10_000)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Email address must be 254 characters or fewer" in response.content.decode()
    assert not Booking.objects.exists()


def test_manage_page_shows_joining_details_only_to_a_person_with_a_place(client):
    session = SessionFactory(capacity=1, venue="", joining_url="https://teams.example/secret")
    place = BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=Booking.Status.WAITLISTED, waitlist_position=1)
    assert "teams.example/secret" in client.get(place.get_absolute_url()).content.decode()
    assert "teams.example/secret" not in client.get(waiting.get_absolute_url()).content.decode()


def test_tampered_manage_link_gets_a_helpful_page(client):
    booking = BookingFactory()
    for token in [booking.manage_token[:-1] + "x", "nonsense", booking.manage_token[:10]]:
        for name in ["booking_manage", "booking_cancel", "booking_confirmation"]:
            response = client.get(reverse(f"training:{name}", args=[token]))
            assert response.status_code == 404
            assert "We cannot find that booking" in response.content.decode()


def test_cancel_from_the_manage_page(client, mailoutbox):
    booking = BookingFactory()
    cancel_url = reverse("training:booking_cancel", args=[booking.manage_token])
    assert "Are you sure" in client.get(cancel_url).content.decode()
    response = client.post(cancel_url, follow=True)
    assert "Your booking has been cancelled" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    # A second press of the button is harmless.
    again = client.post(cancel_url)
    assert "already been cancelled" in again.content.decode()


def test_after_cancelling_the_page_offers_another_date_not_an_email_to_change_details(client):
    booking = BookingFactory()
    course = booking.session.course
    later = SessionFactory(course=course, starts_at=booking.session.starts_at + timedelta(days=7))
    client.post(reverse("training:booking_cancel", args=[booking.manage_token]))
    html = client.get(booking.get_absolute_url()).content.decode()
    assert "Book another date" in html
    assert f'href="{later.get_absolute_url()}"' in html
    assert f'href="{booking.session.get_absolute_url()}"' not in html
    assert "To change your details" not in html


def test_calendar_feed_lists_upcoming_sessions_without_joining_details(client):
    SessionFactory(venue="", joining_url="https://teams.example/secret")
    SessionFactory(status=Session.Status.CANCELLED)
    SessionFactory(starts_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("training:sessions_feed"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == 1
    assert b"teams.example" not in response.content


def test_upcoming_sessions_for_the_home_page_in_constant_queries(django_assert_num_queries):
    for n in range(4):
        session = SessionFactory(starts_at=timezone.now() + timedelta(days=n + 1), capacity=3)
        BookingFactory(session=session)
    SessionFactory(status=Session.Status.CANCELLED)
    with django_assert_num_queries(1):
        sessions = selectors.upcoming_sessions(limit=3)
        assert [s.places_left for s in sessions] == [2, 2, 2]
        assert all(s.course.title for s in sessions)


def test_courses_for_priority():
    priority = Priority.objects.create(number=1, title="Domestic Abuse", slug="da", summary=".")
    linked = CourseFactory(priority=priority)
    CourseFactory(priority=priority, active=False)
    CourseFactory()
    assert list(selectors.courses_for_priority(priority=priority)) == [linked]


def test_events_page_lists_coming_and_past_events_with_the_external_link(client):
    coming = ExternalEventFactory(title="Conference", booking_url="https://events.example/")
    ExternalEventFactory(title="Last year", starts_on=timezone.localdate() - timedelta(days=300))
    html = client.get(reverse("training:event_list")).content.decode()
    assert html.index("Conference") < html.index("Past events") < html.index("Last year")
    detail = client.get(coming.get_absolute_url()).content.decode()
    assert "https://events.example/" in detail


def test_one_network_may_send_more_booking_posts_than_other_forms(client, agency, settings):
    # One council's offices book from behind one address: the booking form has its own limit.
    settings.RATE_LIMIT_PER_IP = "2/10m"
    settings.RATE_LIMIT_BOOKING_PER_IP = "4/10m"
    session = SessionFactory(capacity=10)
    codes = [
        client.post(
            session.get_absolute_url(),
            form_data(agency, email=f"person{n}@example.org", form_key=str(n)),
        ).status_code
        for n in range(5)
    ]
    assert codes == [302, 302, 302, 302, 429]
    assert session.bookings.count() == 4


def test_booking_form_is_rate_limited(client, agency, settings):
    settings.RATE_LIMIT_PER_ADDRESS = "2/10m"
    session = SessionFactory()
    codes = [
        client.post(session.get_absolute_url(), form_data(agency, form_key=str(n))).status_code
        for n in range(3)
    ]
    assert codes[-1] == 429


def test_an_e_learning_course_page_offers_to_start_it_not_a_dead_end(client):
    course = CourseFactory(
        format="e_learning",
        start_url="https://learning.example/courses/wellbeing",
        start_site="Me Learning",
        notice="Make sure you complete the correct strand for your job role.",
    )
    html = client.get(course.get_absolute_url()).content.decode()
    assert 'href="https://learning.example/courses/wellbeing"' in html
    assert "Start this course" in html
    assert "govuk-warning-text" in html and "the correct strand" in html
    assert "There are no dates" not in html


def test_an_event_without_a_registration_link_says_how_to_ask(client):
    event = ExternalEventFactory(booking_url="")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "We do not have the organiser's registration link yet" in html


def test_course_finder_shows_a_page_of_courses_and_keeps_the_filters_on_the_next(client):
    for n in range(selectors.COURSES_PER_PAGE + 1):
        SessionFactory(course=CourseFactory(title=f"Course {n:02}", format="virtual"))
    html = client.get(reverse("training:course_list"), {"format": "virtual"}).content.decode()
    assert f"{selectors.COURSES_PER_PAGE + 1} courses" in html
    assert "Course 19" in html and "Course 20" not in html
    assert 'href="?format=virtual&amp;page=2"' in html
    second = client.get(reverse("training:course_list"), {"format": "virtual", "page": "2"})
    assert "Course 20" in second.content.decode()


def test_the_cached_booking_form_gives_each_visitor_a_key_and_shows_a_new_organisation(client):
    session = SessionFactory()
    pages = [client.get(session.get_absolute_url()).content.decode() for _ in range(2)]
    keys = [re.search(r'name="form_key" value="([^"]+)"', page).group(1) for page in pages]
    assert keys[0] != keys[1]
    AgencyFactory(name="Little Acorns Nursery")
    assert "Little Acorns Nursery" in client.get(session.get_absolute_url()).content.decode()


def test_two_visitors_of_the_cached_booking_page_can_both_book(agency):
    session = SessionFactory()
    for n in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(session.get_absolute_url()).content.decode()
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert len(tokens) == 1
        key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
        data = form_data(agency, email=f"person{n}@example.org", form_key=key)
        response = visitor.post(
            session.get_absolute_url(), data | {"csrfmiddlewaretoken": tokens[0]}
        )
        assert response.status_code == 302
    assert session.bookings.count() == 2


def test_a_course_for_certain_audiences_is_found_only_by_roles_in_them(client):
    course = CourseFactory(title="Safer Recruitment")
    course.audiences.create(sector="education")
    course.audiences.create(sector="recruitment")
    SessionFactory(course=course)
    SessionFactory(course=CourseFactory(title="For everyone"))
    JobRoleFactory(name="Teachers", sector="education")
    JobRoleFactory(name="Health Visitors", sector="health")
    url = reverse("training:course_list")
    teacher = client.get(url, {"role": "teachers"}).content.decode()
    assert "Safer Recruitment" in teacher and "For everyone" in teacher
    visitor = client.get(url, {"role": "health-visitors"}).content.decode()
    assert "Safer Recruitment" not in visitor and "For everyone" in visitor
    page = client.get(course.get_absolute_url()).content.decode()
    assert "For practitioners in" in page and "Education, Recruitment and HR" in page


def test_booking_warns_a_person_whose_role_is_outside_the_audience_but_still_books(client, book):
    course = CourseFactory(title="Safer Recruitment")
    course.audiences.create(sector="education")
    session = SessionFactory(course=course)
    JobRoleFactory(name="Teachers", sector="education")
    JobRoleFactory(name="Health Visitors", sector="health")
    url = reverse("training:session_book", args=[session.pk])
    warned = client.get(url, {"role": "health-visitors"}).content.decode()
    assert "This course is for practitioners in Education. Health Visitors is not one" in warned
    assert (
        "is not one of these groups" not in client.get(url, {"role": "teachers"}).content.decode()
    )
    assert "is not one of these groups" not in client.get(url).content.decode()
    assert book(session, "visitor@example.org", job_role="Health visitor").status == "confirmed"


def test_a_cancelled_booking_s_confirmation_page_is_titled_as_cancelled(client):
    booking = BookingFactory(status=Booking.Status.CANCELLED)
    html = client.get(reverse("training:booking_confirmation", args=[booking.manage_token])).text
    assert "<title>This booking has been cancelled – " in html
    assert ">This booking has been cancelled</h1>" in html
    assert "Booking confirmed" not in html
