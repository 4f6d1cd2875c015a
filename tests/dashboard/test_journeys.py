from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser import SCREENSHOTS, log_in_to_admin, visit_staff_page
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_home_with_the_demo_passes_axe_and_links_to_the_work(site, page: Page):
    call_command("load_demo", stdout=StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_to_admin(page, site.url, StaffFactory())
    visit_staff_page(page, site.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs doing")
    for heading in [
        "Newsletter issues in hand",
        "Last send",
        "Training in the next four weeks",
        "Registers to mark",
        "Overdue next steps by owner",
        "Subscribers by list, last 12 months",
    ]:
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_role("img", name="Line chart of subscribers")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "staff-home.png"), full_page=True)
    overdue = page.get_by_role("region", name="Overdue next steps by owner")
    overdue.get_by_role("link").first.click()
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Overdue")
