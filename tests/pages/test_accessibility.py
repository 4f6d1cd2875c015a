"""Every public page of the demo portal, checked with axe-core at desktop and phone widths."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from newsletter.models import Article, Issue
from priorities.models import Priority
from subscriptions.models import Subscriber
from subscriptions.selectors import subscriber_links
from tests.browser import assert_page_basics, split_words_in_tables
from training.models import Course, ExternalEvent, Session

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 667}


def public_pages() -> list[str]:
    """The URL of every kind of public page, using the demo content."""
    subscriber = Subscriber.objects.order_by("pk").first()
    links = subscriber_links(subscriber=subscriber)
    return [
        reverse("home"),
        reverse("contact"),
        reverse("accessibility"),
        reverse("privacy"),
        reverse("cookies"),
        "/no-such-page/",
        reverse("newsletter:issue_list"),
        *[issue.get_absolute_url() for issue in Issue.objects.all()],
        *[article.get_absolute_url() for article in Article.objects.all()[:3]],
        reverse("priorities:priority_list"),
        *[priority.get_absolute_url() for priority in Priority.objects.all()],
        reverse("training:course_list"),
        reverse("training:course_list") + "?role=&format=virtual&has_places=on",
        *[course.get_absolute_url() for course in Course.objects.filter(active=True)],
        reverse(
            "training:session_book",
            args=[Session.objects.filter(starts_at__gt=timezone.now()).first().pk],
        ),
        reverse("training:event_list"),
        *[event.get_absolute_url() for event in ExternalEvent.objects.all()],
        reverse("subscriptions:subscribe"),
        reverse("subscriptions:unsubscribe"),
        links["unsubscribe_url"].removeprefix("http://testserver"),
        links["preferences_url"].removeprefix("http://testserver"),
        reverse("subscriptions:confirm", args=["tampered-token"]),
        reverse("search:search"),
        reverse("search:search") + "?q=safeguarding",
        reverse("search:search") + "?q=safegaurding&kind=article",
        reverse("search:search") + "?q=" + "x" * 201,
    ]


def test_every_public_page_passes_axe_and_fits_a_phone_screen(site, page: Page, settings):
    settings.SITE_URL = "http://testserver"
    call_command("load_demo", stdout=StringIO())
    urls = public_pages()
    assert len(urls) > 25

    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(site.url + url)
        assert_page_basics(page)
        split = split_words_in_tables(page)
        assert not split, f"{url} splits {split[:5]} in a table at 1280px"

        page.set_viewport_size(PHONE)
        split = split_words_in_tables(page)
        assert not split, f"{url} splits {split[:5]} in a table at 375px"

        page.set_viewport_size(NARROW)
        assert_page_basics(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px wide"
        split = split_words_in_tables(page)
        assert not split, f"{url} splits {split[:5]} in a table at 320px"
