import pytest
from playwright.sync_api import Page, expect

from newsletter import demo
from newsletter.models import Issue
from tests.browser import assert_page_basics, log_in_to_admin, visit
from tests.factories import StaffFactory
from tests.newsletter.factories import SectionFactory
from tests.priorities.factories import PriorityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def type_rich_text(page: Page, index: int, text: str) -> None:
    editor = page.locator(".prose-editor .ProseMirror:visible").nth(index)
    editor.click()
    page.keyboard.type(text)


def test_staff_publish_an_issue_and_a_reader_follows_it_to_a_priority(site, page: Page, browser):
    priority = PriorityFactory(number=1, title="Domestic Abuse", slug="domestic-abuse")
    for order, title in enumerate(["Latest News", "Priorities", "Training"], start=1):
        SectionFactory(title=title, slug=title.lower().replace(" ", "-"), order=order)

    # Staff write a draft issue with articles in three sections.
    log_in_to_admin(page, site.url, StaffFactory())
    page.goto(site.url + "/admin/newsletter/issue/add/")
    page.locator("#id_title").press_sequentially("January 2024")
    # The web address is made from the title as the editor types it.
    expect(page.locator("#id_slug")).to_have_value("january-2024")
    page.fill("#id_issue_date", "15/01/2024")
    type_rich_text(page, 0, "Welcome to the first issue of 2024.")
    articles = [
        ("Latest News", "Safeguarding Week 2023", "safeguarding-week-2023"),
        ("Priorities", "Priority One: Domestic Abuse", "priority-one-domestic-abuse"),
        ("Training", "Safer Recruitment workshop", "safer-recruitment-workshop"),
    ]
    for i, (section, title, slug) in enumerate(articles):
        page.select_option(f"#id_articles-{i}-section", label=section)
        page.locator(f"#id_articles-{i}-title").press_sequentially(title)
        expect(page.locator(f"#id_articles-{i}-slug")).to_have_value(slug)
        type_rich_text(page, i + 1, f"News about {title}.")
    page.select_option("#id_articles-1-priority", label=str(priority))
    # A row added for another article gets its own editor too (left empty, so not saved).
    editors = page.locator(".prose-editor .ProseMirror:visible")
    page.get_by_role("button", name="Add another Article").click()
    expect(editors).to_have_count(5)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    issue = Issue.objects.get(slug="january-2024")
    assert issue.articles.count() == 3
    assert (
        issue.articles.get(slug="safer-recruitment-workshop").body
        == "<p>News about Safer Recruitment workshop.</p>"
    )
    change_url = page.url

    # Preview as the site shows it, with the draft banner, and as the email.
    visit(page, site.url + issue.get_absolute_url())
    expect(page.locator(".dscp-draft-banner")).to_contain_text("not published")
    page.goto(site.url + f"/admin/newsletter/issue/{issue.pk}/preview-email/")
    expect(page.get_by_role("link", name="View this issue on the website")).to_be_visible()
    expect(page.get_by_text("News about Safeguarding Week 2023.")).to_be_visible()

    # Publish.
    page.goto(change_url)
    page.get_by_role("button", name="Publish this issue").click()
    expect(page.locator(".messagelist .success")).to_contain_text("is published")

    # A reader, not logged in, finds it in the archive.
    reader = browser.new_context().new_page()
    visit(reader, site.url + "/newsletter/")
    reader.get_by_role("link", name="DSCP Newsletter: January 2024").click()
    assert_page_basics(reader)
    expect(reader.locator(".dscp-draft-banner")).to_have_count(0)

    # The contents list works by keyboard: the link moves focus to the article.
    contents_link = reader.locator("#contents").get_by_role(
        "link", name="Priority One: Domestic Abuse"
    )
    contents_link.focus()
    reader.keyboard.press("Enter")
    assert reader.url.endswith("#priority-one-domestic-abuse")
    expect(reader.locator("#priority-one-domestic-abuse")).to_be_focused()

    # ...and on from the article to its priority.
    reader.keyboard.press("Tab")
    priority_link = (
        reader.locator("article")
        .filter(has=reader.locator("#priority-one-domestic-abuse"))
        .get_by_role("link", name=str(priority))
    )
    expect(priority_link).to_have_attribute("href", priority.get_absolute_url())
    priority_link.focus()
    reader.keyboard.press("Enter")
    reader.wait_for_url(site.url + priority.get_absolute_url())
    assert_page_basics(reader)


def test_the_demo_issue_its_articles_and_the_archive_pass_axe(site, page: Page):
    demo.load()
    visit(page, site.url + "/newsletter/")
    page.get_by_role("link", name="DSCP Newsletter: December 2023").click()
    assert_page_basics(page)
    # Welcome, ten sections, and the eleven articles whose title differs from their section's.
    expect(page.locator("#contents").get_by_role("link")).to_have_count(22)
    for slug in ["safeguarding-week-2023", "unseen-males", "national-guidance"]:
        visit(page, site.url + f"/newsletter/december-2023/{slug}/")


def test_an_unknown_issue_is_an_accessible_404(site, page: Page):
    response = page.goto(site.url + "/newsletter/no-such-issue/")
    assert response.status == 404
    assert_page_basics(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_staff_see_the_draft_banner_and_the_public_get_a_404(site, page: Page, browser):
    demo.load()
    Issue.objects.filter(slug="december-2023").update(status=Issue.Status.DRAFT)
    log_in_to_admin(page, site.url, StaffFactory())
    visit(page, site.url + "/newsletter/december-2023/")
    expect(page.locator(".dscp-draft-banner")).to_be_visible()
    public = browser.new_context().new_page()
    assert public.goto(site.url + "/newsletter/december-2023/").status == 404
