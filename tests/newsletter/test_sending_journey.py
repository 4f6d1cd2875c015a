"""Staff do a whole send from admin in a browser, delivered by a real Celery worker to an SMTP sink."""

import pytest
from playwright.sync_api import Page, expect

from dscp.celery import app as celery_app
from tests.browser import SCREENSHOTS, assert_staff_page, log_in_to_admin
from tests.factories import StaffFactory
from tests.newsletter.audience import build_audience
from tests.support.processes import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_celery(delivery_stack):
    """Tasks queued by the live server go to the broker and a real worker, not run eagerly."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    delivery_stack.start_sink()
    delivery_stack.start_worker()
    yield delivery_stack
    celery_app.conf.task_always_eager = eager


def test_staff_send_a_test_then_the_issue_and_watch_it_arrive(site, page: Page, real_celery):
    stack = real_celery
    audience = build_audience(subscribers=60, overlap=10, suppressed=2)
    staff = StaffFactory(email="editor@example.org")
    log_in_to_admin(page, site.url, staff)
    issue_page = f"{site.url}/admin/newsletter/issue/{audience.issue.pk}/change/"

    page.goto(issue_page)
    page.get_by_role("link", name="Send a test…").click()
    expect(page.get_by_label("Send a test to")).to_have_value("editor@example.org")
    page.get_by_role("button", name="Send the test").click()
    expect(page.get_by_text("A test of")).to_be_visible()
    wait_until(lambda: stack.received(), timeout=60, what="the test message")
    [test_message] = stack.received()
    assert test_message["rcpt"] == "editor@example.org"
    assert test_message["headers"]["Subject"].startswith("[Test] ")

    page.goto(issue_page)
    page.get_by_role("link", name="Send to lists…").click()
    assert_staff_page(page)
    page.screenshot(path=str(SCREENSHOTS / "send-new.png"), full_page=True)
    for mailing_list in audience.lists:
        page.get_by_label(mailing_list.name, exact=False).check()
    page.get_by_role("button", name="Check recipients").click()
    expect(page.locator("#recipient-count")).to_have_text(str(len(audience.eligible)))
    assert_staff_page(page)
    page.get_by_role("button", name="Send now").click()
    assert_staff_page(page)
    url = page.url

    # The page follows the send without reloading: a marker set on the window survives.
    page.evaluate("window.stillThisPage = true")
    expect(page.locator("#send-status")).to_have_text("Finished", timeout=90_000)
    assert page.evaluate("window.stillThisPage === true")
    assert page.url == url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"“{audience.issue}” has been sent")
    expect(page.locator("#send-progress-bar")).to_have_attribute(
        "value", str(len(audience.eligible))
    )
    rate = page.locator("#send-rate").inner_text()
    assert "Sent at an average of" in rate
    assert_staff_page(page)
    page.screenshot(path=str(SCREENSHOTS / "send-finished.png"), full_page=True)
    page.reload()
    assert page.locator("#send-rate").inner_text() == rate
    sent = int(page.locator('[data-count="sent"]').inner_text())
    newsletters = [e for e in stack.received() if not e["headers"]["Subject"].startswith("[Test] ")]
    assert sent == len(newsletters) == len(audience.eligible)
    assert {e["rcpt"] for e in newsletters} == audience.eligible
