import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_page_basics, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_keyboard_user_skips_to_main_content(site, page: Page):
    visit(page, site.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_every_navigation_link_leads_to_an_accessible_page(site, page: Page):
    visit(page, site.url + "/")
    nav = page.get_by_role("navigation", name="Menu")
    labels = nav.get_by_role("link").all_inner_texts()
    assert "Contact" in labels
    for label in labels:
        page.goto(site.url + "/")
        link = nav.get_by_role("link", name=label, exact=True)
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert_page_basics(page)
        expect(nav.locator("[aria-current]")).to_have_text(label)
    expect(page.get_by_text("DH1 5UJ").first).to_be_visible()


def test_footer_statements_pass_axe(site, page: Page):
    for path in ["/accessibility/", "/privacy/", "/cookies/", "/no-such-page/"]:
        page.goto(site.url + path)
        assert_page_basics(page)
