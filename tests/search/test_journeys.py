from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser import assert_page_basics, follow_by_keyboard, tab_to, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_practitioner_searches_from_the_header_by_keyboard_and_opens_the_briefing(site, page: Page):
    call_command("load_demo", stdout=StringIO())
    visit(page, site.url + "/training/")

    box = page.get_by_role("search", name="Site").get_by_label("Search the site")
    tab_to(page, box)
    page.keyboard.type("unseen males")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert_page_basics(page)
    expect(page).to_have_title(
        "Search results for “unseen males” – Durham Safeguarding Children Partnership"
    )
    results = page.locator(".dscp-search-result")
    expect(results.first.get_by_role("heading")).to_contain_text("Unseen Males")
    expect(results.first.locator("mark").first).to_have_text("Unseen")

    # Filter to courses, then search again from the page's own box.
    kinds = page.get_by_role("navigation", name="Show only")
    page_box = page.get_by_role("main").get_by_label("Search the site")
    tab_to(page, page_box)
    page.keyboard.press("Control+A")
    page.keyboard.type("DBS")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert_page_basics(page)
    follow_by_keyboard(page, kinds.get_by_role("link", name="Training course (1)"))
    assert_page_basics(page)
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("places left")

    follow_by_keyboard(page, results.first.get_by_role("link"))
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safer Recruitment – DBS Eligibility Workshop"
    )


def test_a_misspelling_offers_similar_titles(site, page: Page):
    call_command("load_demo", stdout=StringIO())
    visit(page, site.url + "/search/?q=safegaurding")
    expect(page.get_by_text("Nothing matched every word you typed")).to_be_visible()
    # Several demo titles are spelled like the query; the one meant must be among them.
    expect(
        page.locator(".dscp-search-result").filter(has_text="Safeguarding Week 2023").first
    ).to_be_visible()
