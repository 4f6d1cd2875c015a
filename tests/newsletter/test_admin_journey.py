"""A comms officer's month in admin (issue 15), in a browser, with a real worker and beat.

Staff write an issue whose article has a nested list, a table, a vague link and
two images uploaded on the issue's page; the accessibility check flags the link
and an image without alternative text, and publishing is refused until they fix
them; the length follows their typing; they add a guidance link and a resource
from the issue; they schedule "publish and send" a minute or two ahead; beat
publishes and sends it through a real worker; the plain-text part reads
correctly; the issue page and the email show the images; the issue list and the
staff home show the send. axe-core runs on every staff page on the way.
"""

import re
from datetime import timedelta
from email import message_from_string
from email.policy import default as default_policy
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from dscp.celery import app as celery_app
from newsletter.models import Issue
from subscriptions.models import MailingList
from tests.browser import (
    SCREENSHOTS,
    assert_staff_page,
    log_in_to_admin,
    visit,
    visit_staff_page,
)
from tests.factories import StaffFactory
from tests.support.processes import wait_until
from training.models import Session

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "<p>What to bring:</p>"
    "<ul><li><p>Your ID</p><ul><li><p>A staff badge</p></li><li><p>Or a letter</p></li></ul></li>"
    "<li><p>A pen</p></li></ul>"
    "<table><tbody><tr><th><p>Course</p></th><th><p>Date</p></th></tr>"
    "<tr><td><p>Eyes on the Baby</p></td><td><p>6 February 2024</p></td></tr></tbody></table>"
    "<blockquote><p>Clarify, reflect, verify.</p></blockquote>"
)
VAGUE = '<p>To book, <a href="https://example.org/book">click here</a>.</p>'
CLEAR = '<p>Book on <a href="https://example.org/book">the training page</a>.</p>'
PHOTO_ALT = "Practitioners at a Safeguarding Week session"
CHART_ALT = "Bar chart: knowledge rose from 5.72 to 8.17 out of 10"


def picture(name: str, size: tuple[int, int], format: str) -> dict:
    buffer = BytesIO()
    Image.new("RGB", size, "#4a2a6b").save(buffer, format=format)
    return {"name": name, "mimeType": f"image/{format.lower()}", "buffer": buffer.getvalue()}


@pytest.fixture
def real_celery(delivery_stack):
    """The live server queues to the broker; a real worker and beat do the work."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    delivery_stack.start_sink(keep_raw=True)
    delivery_stack.start_worker()
    delivery_stack.start_beat()
    yield delivery_stack
    celery_app.conf.task_always_eager = eager


def paste_html(editor: Locator, html: str, *, replace: bool = False) -> None:
    """Paste HTML into a rich-text box, as staff paste from a document."""
    editor.click()
    if replace:
        editor.press("Control+a")
    editor.evaluate(
        """(el, html) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", html)
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}))
        }""",
        html,
    )


def test_a_comms_officer_writes_schedules_and_follows_an_issue(site, page: Page, real_celery):
    stack = real_celery
    call_command("load_demo", stdout=StringIO())
    newsletter_list = MailingList.objects.order_by("order", "name").first()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_to_admin(page, site.url, StaffFactory())

    # The staff home, then the issue list.
    visit_staff_page(page, site.url + "/admin/")
    visit_staff_page(page, site.url + "/admin/newsletter/issue/")
    page.get_by_role("link", name="Add issue").click()
    assert_staff_page(page)

    # Write the issue: every rich-text box is named, spellchecked and in British English.
    page.locator("#id_title").press_sequentially("January 2024")
    page.fill("#id_issue_date", "15/01/2024")
    welcome = page.get_by_role("textbox", name="Welcome")
    expect(welcome).to_have_attribute("spellcheck", "true")
    expect(welcome).to_have_attribute("lang", "en-GB")
    welcome.click()
    page.keyboard.type("Welcome to the first issue of 2024.")
    page.select_option("#id_articles-0-section", label="Latest News from the DSCP")
    page.locator("#id_articles-0-title").press_sequentially("Training this winter")
    body = page.locator("#articles-0").get_by_role("textbox", name="Body")
    paste_html(body, BODY + VAGUE)
    # Two images for the text, uploaded with the issue; the wide photo is made smaller.
    page.set_input_files("#id_images-0-image", picture("session.jpg", (2400, 1200), "JPEG"))
    page.fill("#id_images-0-alt", PHOTO_ALT)
    page.get_by_role("button", name="Add another Image for the text").click()
    page.set_input_files("#id_images-1-image", picture("chart.png", (500, 300), "PNG"))
    page.fill("#id_images-1-alt", CHART_ALT)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    issue = Issue.objects.get(title="January 2024")
    assert "<table>" in issue.articles.get().body
    photo, chart = issue.images.order_by("pk")
    assert (photo.width, photo.height) == (1200, 600)

    # Each image offers the HTML that places it; staff paste both into the text, one
    # with its description left out.
    placing = page.locator("[data-image-html]")
    expect(placing).to_have_count(2)
    expect(page.get_by_role("button", name="Copy for the text box")).to_have_count(2)
    photo_html, chart_html = (placing.nth(i).get_attribute("data-image-html") for i in range(2))
    assert photo_html == photo.html() and chart_html == chart.html()
    page.locator("#articles-0 summary", has_text="Text").click()
    body = page.locator("#articles-0").get_by_role("textbox", name="Body")
    paste_html(body, BODY + VAGUE + photo_html + chart_html.replace(CHART_ALT, ""), replace=True)
    expect(body.locator("img")).to_have_count(2)
    page.click("input[name=_continue]")

    # The accessibility check flags the vague link and the image without a description,
    # and publishing is refused until they are fixed.
    check = page.locator("#accessibility-check")
    expect(check).to_contain_text("A link says “click here”")
    expect(check).to_contain_text("An image has no alternative text")
    expect(check.get_by_role("link", name="Training this winter").first).to_be_visible()
    assert_staff_page(page)
    page.screenshot(path=str(SCREENSHOTS / "issue-editor-check.png"))
    page.get_by_role("button", name="Publish this issue").click()
    expect(page.locator(".messagelist .error")).to_contain_text(
        "Not published: fix the 2 accessibility problems listed under “Accessibility check”"
    )
    assert not Issue.objects.get(pk=issue.pk).is_published
    # Save stays in reach at the top of a long page.
    save = page.locator(".submit-row").last
    page.evaluate("window.scrollTo(0, 0)")
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900
    page.locator("#articles-0 summary", has_text="Text").click()
    paste_html(
        page.locator("#articles-0").get_by_role("textbox", name="Body"),
        BODY + CLEAR + photo_html + chart_html,
        replace=True,
    )
    page.click("input[name=_continue]")
    expect(check).to_contain_text("No problems found")
    saved = issue.articles.get().body
    assert f'alt="{PHOTO_ALT}"' in saved and f'alt="{CHART_ALT}"' in saved

    # The length is the saved figure, and follows the text as staff type.
    length = page.locator(".field-length .readonly")
    expect(length).to_contain_text("words, about 1 minute to read")
    words = int(length.inner_text().split()[0])
    page.locator("[contenteditable=true][aria-label=Welcome]").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Three more words")
    expect(length).to_have_text(f"{words + 3} words, about 1 minute to read")

    # Guidance links and resources for any article are added from the issue.
    page.get_by_role("link", name="Guidance links and resources…").click()
    assert_staff_page(page)
    page.get_by_label("Article (link 0)").select_option(label="Training this winter")
    page.get_by_label("Title (link 0)").fill("Working together to safeguard children")
    page.get_by_label("Web address (link 0)").fill("https://example.org/working-together")
    page.get_by_label("Publisher (link 0)").fill("Department for Education")
    page.get_by_label("Month published (link 0)").fill("2023-12-01")
    page.get_by_label("Article (resource 0)").select_option(label="Training this winter")
    page.get_by_label("Title (resource 0)").fill("Eyes on the Baby: learning briefing")
    page.get_by_label("Web address (resource 0)").fill("https://example.org/eyes-on-the-baby")
    page.get_by_role("button", name="Save guidance links and resources").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Guidance links and resources saved"
    )
    page.get_by_role("link", name="Back to the issue").click()

    # Schedule publish and send a minute or two ahead (UK time).
    page.get_by_role("link", name="Publish and send…").click()
    assert_staff_page(page)
    page.get_by_label(newsletter_list.name, exact=False).check()
    page.get_by_label("At a time I choose").check()
    at = timezone.localtime(timezone.now() + timedelta(minutes=1)).replace(second=0) + timedelta(
        minutes=1
    )
    page.fill("#id_scheduled_for", at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Check recipients").click()
    expect(page.locator("#recipient-count")).to_be_visible()
    assert_staff_page(page)
    recipients = int(page.locator("#recipient-count").inner_text())
    assert recipients > 0
    page.get_by_role("button", name="Schedule publish and send").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("is scheduled to send")
    assert_staff_page(page)
    issue.refresh_from_db()
    assert not issue.is_published

    # Beat publishes and starts it at its time; the page follows without reloading.
    expect(heading).to_contain_text("has been sent", timeout=200_000)
    issue.refresh_from_db()
    assert issue.is_published
    assert stack.task_errors() == []
    assert_staff_page(page)
    page.screenshot(path=str(SCREENSHOTS / "send-finished-scheduled.png"), full_page=True)

    # The plain-text part reads as staff wrote it.
    wait_until(lambda: len(stack.received()) >= recipients, timeout=30, what="every message")
    raw = stack.received()[0]["raw"]
    message = message_from_string(raw, policy=default_policy)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "- Your ID\n  - A staff badge\n  - Or a letter\n- A pen" in text
    assert "Course: Eyes on the Baby\nDate: 6 February 2024" in text
    assert "> Clarify, reflect, verify." in text
    assert "Book on the training page (https://example.org/book)." in text
    assert "Working together to safeguard children (Department for Education" in text
    assert "Eyes on the Baby: learning briefing" in text
    assert f"[Image: {PHOTO_ALT}]" in text and f"[Image: {CHART_ALT}]" in text
    html = message.get_body(("html",)).get_content()
    # Absolute, from the worker's SITE_URL, as mail clients need.
    assert len(re.findall(r'src="https?://[^"/]+/media/newsletter/images/', html)) == 2

    # The published issue page shows both images, fetched from the site.
    visit(page, site.url + issue.get_absolute_url())
    shown = page.locator(".dscp-prose img")
    expect(shown).to_have_count(2)
    for i in range(2):
        assert shown.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    shown.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "issue-page-images.png"))

    # The issue list and the staff home show the send with its figures.
    visit_staff_page(page, site.url + "/admin/newsletter/issue/")
    row = page.locator("#result_list tr", has_text="January 2024")
    expect(row).to_contain_text(f"Sent to {recipients} ")
    expect(row).to_contain_text("Published")
    visit_staff_page(page, site.url + "/admin/")
    expect(page.locator("#last-send-sent")).to_have_text(str(recipients))
    sessions = page.get_by_role("region", name="Training in the next four weeks")
    expect(sessions.get_by_role("link").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "staff-home-after-send.png"), full_page=True)

    # The other staff pages of the month pass the same checks.
    session = Session.objects.order_by("starts_at").first()
    for url in [
        "/admin/newsletter/send/",
        "/admin/priorities/action/",
        f"/admin/training/session/{session.pk}/register/",
        "/admin/subscriptions/subscriber/import/",
    ]:
        visit_staff_page(page, site.url + url)
