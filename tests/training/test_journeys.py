"""A practitioner finds training for their role, books, manages and cancels; the queue moves."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import (
    assert_page_basics,
    assert_staff_page,
    log_in_to_admin,
    visit,
    visit_staff_page,
)
from tests.factories import StaffFactory
from training import non_attendance, tasks
from training.models import Agency, Booking, NonAttendancePolicy

from .factories import (
    BookingFactory,
    CourseFactory,
    ExternalEventFactory,
    JobRoleFactory,
    SessionFactory,
    StrandFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course():
    Agency.objects.create(name="County Durham and Darlington NHS Foundation Trust")
    course = CourseFactory(title="Eyes on the Baby", slug="eyes-on-the-baby", format="virtual")
    StrandFactory(course=course, number=1, title="Occasional contact").roles.add(
        JobRoleFactory(name="Police Officers")
    )
    health = StrandFactory(course=course, number=3, title="Routine or emergency health care")
    health.roles.add(JobRoleFactory(name="Community Midwives"))
    SessionFactory(
        course=course,
        strand=health,
        capacity=1,
        venue="",
        address="",
        joining_url="https://teams.example/join-eyes-on-the-baby",
        joining_details="Meeting ID 123 456, passcode on the day.",
    )
    return course


def fill_booking_form(page: Page, *, name: str, email: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Work email address").fill(email)
    organisation = page.get_by_label("Organisation", exact=True)
    other = page.get_by_label("Name of your organisation, if you chose Other")
    expect(other).to_be_hidden()
    organisation.select_option(label="Other")
    expect(other).to_be_visible()
    organisation.select_option(label="County Durham and Darlington NHS Foundation Trust")
    expect(other).to_be_hidden()
    expect(page.get_by_label("Job role")).to_have_value("Community Midwives")


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/training/bookings/confirm/[^/\s]+/", message.body).group(0)


def manage_link(message) -> str:
    return re.search(r"https?://\S+/training/bookings/[\w-]+/", message.body).group(0)


def test_find_by_role_book_cancel_and_the_queue_moves(site, page: Page, course):
    # Find the course by job role.
    visit(page, site.url + "/training/")
    page.get_by_label("Your job role").select_option(label="Community Midwives")
    page.get_by_role("button", name="Show courses").click()
    assert_page_basics(page)
    expect(page.get_by_text("Strand 3: Routine or emergency health care")).to_be_visible()
    expect(page.get_by_text("1 place left")).to_be_visible()
    page.get_by_role("link", name="Eyes on the Baby").click()
    assert_page_basics(page)
    expect(page.get_by_text("teams.example")).to_have_count(0)

    # Book the last place, using the keyboard to send the form.
    page.get_by_role("link", name=re.compile("^Book a place")).click()
    assert_page_basics(page)
    fill_booking_form(page, name="Priya Shah", email="priya@example.org")
    page.get_by_role("button", name="Book a place").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/check-your-email/$"))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("teams.example")).to_have_count(0)

    # Her place is held until she follows the link in her email; then it is hers.
    [request] = mail.outbox
    assert request.to == ["priya@example.org"]
    assert "teams.example" not in request.body
    visit(page, confirm_link(request))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    page.get_by_role("button", name="Confirm my booking").click()
    page.wait_for_url(re.compile("/confirmation/$"))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking confirmed")
    expect(
        page.get_by_role("link", name="https://teams.example/join-eyes-on-the-baby")
    ).to_be_visible()
    # The link confirms once: opened again, it shows the same confirmed booking.
    visit(page, confirm_link(request))
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking confirmed")

    # The confirmation email carries the joining link, a calendar file and the manage link.
    confirmation = mail.outbox[1]
    assert len(mail.outbox) == 2
    assert confirmation.to == ["priya@example.org"]
    assert "Joining link: https://teams.example/join-eyes-on-the-baby" in confirmation.body
    assert "Meeting ID 123 456" in confirmation.body
    assert 'href="https://teams.example/join-eyes-on-the-baby"' in confirmation.alternatives[0][0]
    filename, content, _ = confirmation.attachments[0]
    assert filename.endswith(".ics")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["summary"]) == "Eyes on the Baby (Strand 3)"
    assert str(event["location"]) == "https://teams.example/join-eyes-on-the-baby"
    assert "teams.example/join-eyes-on-the-baby" in str(event["description"])

    # The session is now full: the next person is offered the waiting list.
    visit(page, site.url + "/training/courses/eyes-on-the-baby/?role=community-midwives")
    expect(page.get_by_text("Full – join the waiting list")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Join the waiting list")).click()
    assert_page_basics(page)
    fill_booking_form(page, name="Alex Morgan", email="alex@example.org")
    page.get_by_role("button", name="Join the waiting list").click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    visit(page, confirm_link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my booking").click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    expect(page.get_by_text("teams.example")).to_have_count(0)

    # Priya opens the link from her email and cancels.
    visit(page, manage_link(confirmation))
    expect(page.get_by_text("teams.example/join-eyes-on-the-baby")).to_be_visible()
    page.get_by_role("button", name="Cancel my booking").click()
    assert_page_basics(page)
    page.get_by_role("button", name="Yes, cancel my booking").click()
    assert_page_basics(page)
    expect(page.get_by_text("Your booking has been cancelled")).to_be_visible()

    # Alex, first in the queue, now has the place and has been told.
    alex = Booking.objects.get(email="alex@example.org")
    assert alex.status == Booking.Status.CONFIRMED
    promotion = next(m for m in mail.outbox if m.subject.startswith("A place has come up"))
    assert promotion.to == ["alex@example.org"]
    assert icalendar.Calendar.from_ical(promotion.attachments[0][1]).walk("VEVENT")
    visit(page, manage_link(promotion))
    expect(page.get_by_text("Place confirmed")).to_be_visible()


def test_a_tampered_manage_link_gets_an_accessible_help_page(site, page: Page):
    response = page.goto(site.url + "/training/bookings/not-a-real-token/")
    assert response.status == 404
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("We cannot find that booking")


def test_a_bad_or_lapsed_confirmation_link_gets_a_page_that_offers_a_new_one(
    site, page: Page, course
):
    response = page.goto(site.url + "/training/bookings/confirm/not-a-real-token/")
    assert response.status == 400
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")

    # Priya books but does not confirm in time: the beat task releases her place.
    visit(page, site.url + "/training/courses/eyes-on-the-baby/?role=community-midwives")
    page.get_by_role("link", name=re.compile("^Book a place")).click()
    fill_booking_form(page, name="Priya Shah", email="priya@example.org")
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    Booking.objects.update(hold_expires_at=timezone.now())
    tasks.booking_release_unconfirmed.delay()
    assert Booking.objects.get().cancelled_by == Booking.CancelledBy.UNCONFIRMED

    response = page.goto(confirm_link(mail.outbox[-1]))
    assert response.status == 410
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This booking was not confirmed")
    page.get_by_role("button", name="Book again").click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")


def test_form_errors_are_summarised_and_accessible(site, page: Page, course):
    visit(page, site.url + "/training/courses/eyes-on-the-baby/?role=community-midwives")
    page.get_by_role("link", name=re.compile("^Book a place")).click()
    page.get_by_label("Job role").fill("")
    page.get_by_role("button", name="Book a place").click()
    assert_page_basics(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your full name")
    expect(summary).to_contain_text("Enter your job role")
    assert page.title().startswith("Error:")


def test_losing_the_last_place_offers_the_waiting_list_in_one_click(site, page: Page, course):
    visit(page, site.url + "/training/courses/eyes-on-the-baby/?role=community-midwives")
    page.get_by_role("link", name=re.compile("^Book a place")).click()
    fill_booking_form(page, name="Priya Shah", email="priya@example.org")
    # Someone else takes the last place while Priya types.
    BookingFactory(session=course.sessions.get())
    page.get_by_role("button", name="Book a place").click()
    assert_page_basics(page)
    expect(page.get_by_text("The last place on this session has just been taken")).to_be_visible()
    page.get_by_role("button", name="Join the waiting list").click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    booking = course.sessions.get().bookings.get(email="priya@example.org")
    assert booking.status == Booking.Status.WAITLISTED
    assert booking.job_role == "Community Midwives"


def test_events_pages_pass_axe(site, page: Page):
    from training.demo import load

    load()
    visit(page, site.url + "/training/events/")
    page.get_by_role("link", name="National Vulnerability and Exploitation Conference 2024").click()
    assert_page_basics(page)
    visit(page, site.url + "/training/")
    visit(page, site.url + "/training/courses/safer-recruitment-dbs-eligibility-workshop/")

    # An event booked here leads into the booking form like any session.
    session = SessionFactory(course=CourseFactory(title="Dads and Male Carers Conference 2027"))
    ExternalEventFactory(title="Dads and Male Carers Conference 2027", session=session)
    visit(page, site.url + "/training/events/")
    page.get_by_role("link", name="Dads and Male Carers Conference 2027").click()
    assert_page_basics(page)
    expect(page.get_by_text("20 places left")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Book a place")).click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")


def test_an_e_learning_course_starts_from_its_page(site, page: Page):
    CourseFactory(
        title="Supporting Children's Mental Health and Wellbeing",
        slug="supporting-childrens-mental-health-and-wellbeing",
        format="e_learning",
        start_url="https://learning.example/courses/wellbeing",
        start_site="Me Learning",
        notice="Make sure you complete the correct strand for your job role.",
    )
    # The provider's site, answered here: tests never leave the machine.
    page.route(
        "https://learning.example/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<title>Me Learning</title><h1>Wellbeing</h1>"
        ),
    )
    visit(page, site.url + "/training/?format=e_learning")
    expect(page.get_by_text("Start it whenever suits you on Me Learning")).to_be_visible()
    page.get_by_role("link", name="Supporting Children's Mental Health and Wellbeing").first.click()
    assert_page_basics(page)
    expect(page.locator(".govuk-warning-text")).to_contain_text("the correct strand")
    expect(page.get_by_text("There are no dates")).to_have_count(0)
    page.get_by_role("button", name="Start this course on Me Learning").click()
    expect(page).to_have_url("https://learning.example/courses/wellbeing")


def test_a_teacher_finds_safer_recruitment_by_role_confirms_its_prerequisite_and_books(
    site, page: Page
):
    Agency.objects.create(name="A school or college")
    JobRoleFactory(name="Teachers", slug="teachers", sector="education", singular="a teacher")
    intro = CourseFactory(
        title="Safeguarding Children: Introduction (Group A)", format="e_learning"
    )
    workshop = CourseFactory(
        title="Safer Recruitment – DBS Eligibility Workshop", format="virtual", prerequisite=intro
    )
    workshop.audiences.create(sector="education")
    workshop.audiences.create(sector="recruitment")
    SessionFactory(course=workshop, venue="", address="", joining_url="https://teams.example/dbs")

    visit(page, site.url + "/training/")
    page.get_by_label("Your job role").select_option(label="Teachers")
    page.get_by_role("button", name="Show courses").click()
    assert_page_basics(page)
    page.get_by_role("link", name="Safer Recruitment – DBS Eligibility Workshop").click()
    assert_page_basics(page)
    expect(page.get_by_text("Complete first")).to_be_visible()
    audience = page.locator(".govuk-summary-list__row", has_text="For practitioners in")
    expect(audience.locator("dd")).to_have_text("Education, Recruitment and HR")
    expect(page.get_by_text("is not one of these groups")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Book a place")).click()
    assert_page_basics(page)
    expect(page.get_by_label("Job role")).to_have_value("Teacher")

    page.get_by_label("Full name").fill("Chris Bell")
    page.get_by_label("Work email address").fill("chris.bell@example.org")
    page.get_by_label("Organisation", exact=True).select_option(label="A school or college")
    page.get_by_role("button", name="Book a place").click()
    assert_page_basics(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm you have completed Safeguarding Children: Introduction (Group A)"
    )
    expect(page.get_by_label("Full name")).to_have_value("Chris Bell")

    page.get_by_label("I have completed Safeguarding Children: Introduction (Group A)").check()
    page.get_by_role("button", name="Book a place").click()
    page.wait_for_url(re.compile("/check-your-email/$"))
    visit(page, confirm_link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my booking").click()
    page.wait_for_url(re.compile("/confirmation/$"))
    assert_page_basics(page)
    booking = Booking.objects.get(email="chris.bell@example.org")
    assert booking.job_role == "Teacher"
    assert booking.prerequisite == Booking.Prerequisite.CONFIRMED
    assert "Joining link: https://teams.example/dbs" in mail.outbox[-1].body


def test_a_no_show_recorded_in_the_register_appears_on_the_agency_s_record_and_csv(
    site, page: Page
):
    NonAttendancePolicy.objects.create(
        starts_on=date(2020, 4, 1), action="charge", charge=Decimal(50), late_cancellation_days=5
    )
    police = Agency.objects.create(name="Durham Constabulary")
    session = SessionFactory(
        course=CourseFactory(title="Eyes on the Baby"),
        starts_at=(timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0),
    )
    BookingFactory(session=session, name="Sam Robson", agency=police)
    BookingFactory(session=session, name="Alex Came", agency=police)
    period = non_attendance.financial_year_of(timezone.localdate(session.starts_at))

    # The trainer opens the register and marks Sam as not there.
    log_in_to_admin(page, site.url, StaffFactory())
    visit_staff_page(page, f"{site.url}/admin/training/session/{session.pk}/register/")
    page.get_by_role("link", name="Mark attendance").click()
    assert_staff_page(page)
    page.get_by_role("checkbox", name=re.compile("Sam Robson")).check()
    page.get_by_label("Action:", exact=False).first.select_option(label="Mark as did not attend")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(page.get_by_text("1 booking(s) marked as did not attend.")).to_be_visible()
    assert_staff_page(page)
    expect(page.locator("tr", has_text="Sam Robson")).to_contain_text("Did not attend")

    # The agency's record for the financial year shows the no-show and its charge.
    visit_staff_page(page, f"{site.url}/admin/training/nonattendancepolicy/")
    page.get_by_role("link", name="Non-attendance by organisation").click()
    assert_staff_page(page)
    page.get_by_label("Period").select_option(period.key)
    page.get_by_role("button", name="Show").click()
    visit_staff_page(page, page.url)
    row = page.locator("tr", has_text="Durham Constabulary")
    expect(row).to_contain_text("1")
    expect(row).to_contain_text("£50.00")
    row.get_by_role("link", name="Durham Constabulary").click()
    visit_staff_page(page, page.url)
    expect(page.get_by_role("cell", name="Sam Robson")).to_be_visible()
    expect(page.get_by_text("Alex Came")).to_have_count(0)

    # And the CSV to invoice the agency.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV for invoicing").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [(r["Name"], r["What"], r["Charge (£)"]) for r in rows] == [
        ("Sam Robson", "No-show", "50.00")
    ]
