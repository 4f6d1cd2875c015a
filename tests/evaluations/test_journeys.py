"""An attendee gives feedback from the emailed link and gets a certificate; staff read the report."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from evaluations import services
from tests.browser import assert_page_basics, log_in_to_admin, visit, visit_staff_page
from tests.factories import StaffFactory
from training.models import Agency

from .factories import AttendedBookingFactory, past_session

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def test_attendee_answers_once_gets_a_certificate_and_staff_see_the_report(site, page: Page):
    agency = Agency.objects.create(name="Durham Constabulary")
    session = past_session(course__title="Safer Recruitment")
    AttendedBookingFactory(session=session, name="Priya Shah", agency=agency)
    AttendedBookingFactory(session=session)  # invited too, so the rate is 1 of 2
    services.invitations_send_due()
    [link] = [
        re.search(r"https?://\S+/evaluations/feedback/\S+/", m.body)[0]
        for m in mail.outbox
        if "Priya Shah" in m.body
    ]

    # The emailed link opens the form, with the organisation from the booking.
    visit(page, link)
    expect(page.get_by_label("Your organisation", exact=True)).to_have_value("Durham Constabulary")
    choose(page, "Do you work with", "Both children and adults")
    choose(page, "How did you rate the session overall?", "5")
    page.get_by_role("button", name="Send feedback").click()

    # Missing answers are named next to their questions, and what was chosen stays.
    assert_page_basics(page)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("knowledge of the subject before"))
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="How did you rate the session overall?").get_by_label(
            "5", exact=True
        )
    ).to_be_checked()
    choose(page, "Your knowledge of the subject before the session", "4")
    choose(page, "Your knowledge of the subject after the session", "8")
    choose(page, "Your confidence in this area of practice before the session", "3")
    choose(page, "Your confidence in this area of practice after the session", "7")
    page.get_by_label("What will you do differently in your practice? (optional)").fill(
        "Check the DBS eligibility of every new role."
    )
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_url(re.compile("/thanks/$"))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")

    # The link cannot be used again: it leads to the thanks, not a second form.
    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    expect(page.get_by_role("button", name="Send feedback")).to_have_count(0)

    # The certificate names the person, the course and the hours, with a code.
    page.get_by_role("link", name="Get your certificate").click()
    assert_page_basics(page)
    expect(page.get_by_text("Priya Shah")).to_be_visible()
    expect(page.get_by_text("Safer Recruitment")).to_be_visible()
    code = page.locator("dd strong").inner_text()
    assert re.fullmatch(r"DSCP-[A-Z2-9]{4}-[A-Z2-9]{4}", code)

    # Anyone can check the code at the public address.
    visit(page, site.url + "/evaluations/certificates/check/")
    page.get_by_label("Certificate code").fill(code.lower())
    page.get_by_role("button", name="Check the certificate").click()
    assert_page_basics(page)
    expect(page.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    expect(page.get_by_text("Priya Shah")).to_be_visible()

    # Staff open the report from the admin and see the figures and charts.
    log_in_to_admin(page, site.url, StaffFactory())
    visit_staff_page(page, site.url + "/admin/evaluations/evaluation/")
    page.get_by_role("link", name="Evaluation report").click()
    assert_page_basics(page)
    page.get_by_label("Course").select_option(label="Safer Recruitment")
    page.get_by_role("button", name="Show report").click()
    assert_page_basics(page)
    summary = page.get_by_role("table", name="Summary")
    expect(summary.get_by_role("row", name=re.compile("^Responses"))).to_contain_text("1")
    expect(summary.get_by_role("row", name=re.compile("Response rate"))).to_contain_text(
        "1 of 2 (50%)"
    )
    expect(summary.get_by_role("row", name=re.compile("Knowledge: change"))).to_contain_text(
        "+4.00"
    )
    expect(page.get_by_role("img", name=re.compile("^Do you work with:"))).to_be_visible()
    expect(page.get_by_text("Check the DBS eligibility of every new role.")).to_be_visible()
