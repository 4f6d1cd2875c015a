import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from subscriptions.models import ConsentRecord, Subscriber, Subscription
from tests.browser import assert_page_basics, visit
from tests.newsletter.factories import ArticleFactory, IssueFactory
from tests.subscriptions.factories import MailingListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Subscription.Status


@pytest.fixture
def lists(db):
    return (
        MailingListFactory(
            slug="newsletter",
            name="DSCP newsletter",
            description="News from the partnership.",
            order=1,
        ),
        MailingListFactory(
            slug="training-updates",
            name="Training updates",
            description="New multi-agency training.",
            order=2,
        ),
    )


def _link_in_last_email(path_part: str) -> str:
    body = mail.outbox[-1].body
    return next(url for url in re.findall(r"https?://\S+", body) if path_part in url)


def test_subscribe_confirm_change_preferences_and_unsubscribe(page: Page, site, lists):
    latest = IssueFactory(title="December 2023", status="published", published_at=timezone.now())
    ArticleFactory(issue=latest, title="Unseen Males", section__title="Local Resources")
    visit(page, f"{site.url}/")
    page.get_by_role("link", name="Subscribe").first.click()
    assert_page_basics(page)

    # A mistake first: the error summary and the message by the field, the name kept.
    page.get_by_label("Email address").fill("Sam Example <sam@example.org>")
    page.get_by_label("Name (optional)").fill("Sam Example")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Name (optional)")).to_have_value("Sam Example")
    assert page.title().startswith("Error:")
    assert_page_basics(page)

    # Then by keyboard: fix the address, tick both lists (none is ticked for you), submit.
    page.get_by_label("Email address").fill("Sam@Example.org")
    for name in ("DSCP newsletter", "Training updates"):
        expect(page.get_by_label(name)).not_to_be_checked()
        page.get_by_label(name).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Subscribe").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_page_basics(page)

    assert mail.outbox[-1].to == ["sam@example.org"]
    visit(page, _link_in_last_email("/subscribe/confirm/"))
    expect(page.locator("main")).to_contain_text("Training updates")
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.PENDING}
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email preferences")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You are subscribed to: DSCP newsletter, Training updates."
    )
    assert_page_basics(page)
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.ACTIVE}

    # A welcome follows, with the latest issue's contents and the preferences link.
    welcome = mail.outbox[-1]
    assert welcome.subject == "Welcome to the DSCP newsletter"
    assert "December 2023" in welcome.body
    assert "Local Resources" in welcome.body
    assert re.search(r"- Unseen Males: https?://\S+/newsletter/", welcome.body)
    visit(page, _link_in_last_email("/preferences/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email preferences")

    page.get_by_label("DSCP newsletter").uncheck()
    page.get_by_label("Organisation (optional)").fill("Durham County Council")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your choices have been saved."
    )
    assert_page_basics(page)
    expect(page.get_by_label("DSCP newsletter")).not_to_be_checked()
    expect(page.get_by_label("Training updates")).to_be_checked()
    assert Subscriber.objects.get().organisation == "Durham County Council"

    page.get_by_role("button", name="Unsubscribe from everything").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    assert_page_basics(page)
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.UNSUBSCRIBED}
    assert list(ConsentRecord.objects.values_list("action", "method")) == [
        ("requested", "web_form"),
        ("requested", "web_form"),
        ("confirmed", "email_link"),
        ("confirmed", "email_link"),
        ("withdrawn", "preferences"),
        ("withdrawn", "preferences"),
    ]


def test_unsubscribe_by_form_looks_the_same_for_a_subscribed_and_an_unknown_address(
    page: Page, site, lists
):
    SubscriptionFactory(mailing_list=lists[0], subscriber__email="known@example.org")
    seen = []
    for email in ["known@example.org", "unknown@example.org"]:
        visit(page, f"{site.url}/unsubscribe/")
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Send me an unsubscribe link").click()
        assert_page_basics(page)
        seen.append((page.url, page.title(), page.locator("main").inner_html()))
    assert seen[0] == seen[1]

    # The subscribed address got a link; its page has one button that unsubscribes.
    known_email, unknown_email = mail.outbox[-2:]
    assert "not on any of our mailing lists" in unknown_email.body
    url = next(u for u in re.findall(r"https?://\S+", known_email.body) if "/unsubscribe/" in u)
    visit(page, url)
    assert Subscription.objects.get().status == Status.ACTIVE
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    assert_page_basics(page)
    assert Subscription.objects.get().status == Status.UNSUBSCRIBED


def test_a_broken_link_page_is_friendly_and_accessible(page: Page, site, lists):
    response = page.goto(f"{site.url}/subscribe/confirm/not-a-real-token/")
    assert response.status == 400
    assert_page_basics(page)
    page.get_by_role("link", name="Subscribe again").click()
    assert_page_basics(page)


def test_erase_me_from_the_preferences_page(page: Page, site, lists):
    from subscriptions.selectors import subscriber_links

    subscriber = SubscriptionFactory(mailing_list=lists[0]).subscriber
    visit(page, subscriber_links(subscriber=subscriber)["preferences_url"])
    page.get_by_role("link", name="Erase my details").click()
    assert_page_basics(page)
    page.get_by_role("button", name="Erase my details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details have been erased")
    assert_page_basics(page)
    assert not Subscriber.objects.exists()
