from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from priorities import demo
from tests.browser import (
    SCREENSHOTS,
    assert_page_basics,
    follow_by_keyboard,
    log_in_to_admin,
    visit,
    visit_staff_page,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_finds_a_priority_and_reads_its_timeline_and_next_steps_by_keyboard(
    site, page: Page
):
    # The whole portal's demo, so the training and newsletter that name a priority show too.
    call_command("load_demo", stdout=StringIO())
    visit(page, site.url + "/")
    nav = page.get_by_role("navigation", name="Menu")
    follow_by_keyboard(page, nav.get_by_role("link", name="Priorities", exact=True))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Our priorities")
    expect(page.locator("progress.dscp-progress")).to_have_count(1)
    expect(page.get_by_text("1 of 6 next steps done, 5 overdue, 0 at risk")).to_be_visible()

    follow_by_keyboard(page, page.get_by_role("link", name="Priority 1: Domestic Abuse"))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Domestic Abuse")

    contents = page.get_by_role("navigation", name="On this page")
    follow_by_keyboard(page, contents.get_by_role("link", name="Learning cycle"))
    timeline = page.get_by_role("heading", name="Learning cycle", exact=True)
    expect(timeline).to_be_focused()
    phases = page.locator("section[aria-labelledby=learning-cycle] ol > li")
    expect(phases).to_have_count(6)
    expect(phases.first).to_contain_text("Phase 1: Setting the question")
    expect(phases.last).to_contain_text("Phase 6: Putting the plan into practice")
    expect(phases.last).to_contain_text("In progress")

    follow_by_keyboard(page, contents.get_by_role("link", name="Next steps"))
    expect(page.get_by_role("heading", name="Next steps", exact=True)).to_be_focused()
    for theme in ["Communication", "Evaluation", "Data", "Training"]:
        expect(page.get_by_role("table", name=theme)).to_be_visible()
    # The demo's steps fell due in 2024: each open one reads "Overdue" and nothing else.
    expect(page.get_by_role("table", name="Data")).to_contain_text("Overdue")
    expect(page.get_by_role("table", name="Data")).not_to_contain_text("At risk")

    elsewhere = page.get_by_role("region", name="Training on this priority")
    expect(elsewhere.get_by_role("link").first).to_be_visible()
    newsletter = page.get_by_role("region", name="In the newsletter")
    expect(newsletter.get_by_role("link", name="Priority One: Domestic Abuse")).to_be_visible()

    # Every priority's page passes the same checks.
    for slug in ["harm-outside-the-home", "the-first-1001-days", "mental-health-and-wellbeing"]:
        visit(page, f"{site.url}/priorities/{slug}/")


def test_unknown_priority_is_a_404_in_the_sites_look(site, page: Page):
    response = page.goto(site.url + "/priorities/no-such-priority/")
    assert response is not None and response.status == 404
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_staff_mark_a_next_step_done_and_the_public_summary_changes(site, page: Page):
    demo.load()
    staff = StaffFactory()
    visit(page, site.url + "/priorities/")
    expect(page.get_by_text("1 of 6 next steps done, 5 overdue, 0 at risk")).to_be_visible()

    log_in_to_admin(page, site.url, staff)
    page.goto(site.url + "/admin/priorities/priority/")
    page.get_by_role("link", name="Domestic Abuse").click()
    row = page.locator("tr.form-row").filter(
        has=page.locator("textarea", has_text="Targeted communication")
    )
    row.locator("select[name$='-status']").select_option(label="Done")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visit(page, site.url + "/priorities/")
    expect(page.get_by_text("2 of 6 next steps done, 4 overdue, 0 at risk")).to_be_visible()
    expect(page.locator("progress.dscp-progress")).to_have_attribute("value", "2")


def test_action_plan_fits_at_1280px_and_says_overdue_in_words(site, page: Page):
    demo.load()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_to_admin(page, site.url, StaffFactory())
    visit_staff_page(page, site.url + "/admin/priorities/action/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="Overdue")).to_have_count(5)
    # Every status select is on screen: the table does not scroll sideways.
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    right = results.evaluate("el => el.getBoundingClientRect().right")
    for select in page.locator("#result_list select").all():
        box = select.bounding_box()
        assert box is not None and box["x"] + box["width"] <= right
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(SCREENSHOTS / "action-plan-1280.png"), full_page=True)
