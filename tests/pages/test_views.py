import base64
import datetime
import gzip
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions import demo as subscriptions_demo
from subscriptions.forms import ImportForm

PAGES = ["home", "contact", "accessibility", "privacy", "cookies"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_site_page_has_one_h1_title_and_language(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<html lang="en-GB"' in html
    assert "– Durham Safeguarding Children Partnership</title>" in html


@pytest.mark.django_db
def test_contact_page_shows_the_partnership_contact_details(client, settings):
    # The details are the settings' (one place for the footer, this page and emails).
    partnership = settings.PARTNERSHIP
    html = client.get(reverse("contact")).content.decode()
    for line in partnership["address"]:
        assert line in html
    assert f">{partnership['telephone']}</a>" in html
    for email in [partnership["email"], partnership["training_email"]]:
        assert f'href="mailto:{email}">{email}</a>' in html
    assert f'href="{partnership["website"]}"' in html
    assert f">@{partnership['twitter']}</a>" in html


@pytest.mark.django_db
def test_privacy_notice_states_the_retention_rules(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "not confirmed within 7 days is deleted" in html
    assert "one-way code" in html


@pytest.mark.django_db
def test_privacy_notice_names_every_lawful_basis_import_can_record(client):
    html = client.get(reverse("privacy")).content.decode()
    for _, label in ImportForm.LAWFUL_BASES:
        basis = label.split(",")[0].split(" (")[0]
        assert f"<strong>{basis}</strong>" in html, basis


@pytest.mark.django_db
def test_home_and_sign_up_form_say_the_same_about_how_often_the_newsletter_comes(client, settings):
    subscriptions_demo.load()
    frequency = settings.PARTNERSHIP["newsletter_frequency"]
    home = client.get(reverse("home")).content.decode()
    subscribe = client.get(reverse("subscriptions:subscribe")).content.decode()
    assert frequency in home
    assert frequency in subscribe
    assert "every two months" not in home + subscribe


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_sites_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_server_error_page_needs_no_database_or_context():
    from pages.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


@pytest.mark.django_db
def test_pages_are_served_with_a_content_security_policy_forbidding_inline_script(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_pages_are_compressed_for_browsers_that_ask(client):
    response = client.get(reverse("home"), headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Skip to main content" in gzip.decompress(response.content).decode()


@pytest.mark.django_db
def test_the_one_inline_script_is_allowed_by_its_hash(client):
    # It sets GOV.UK Frontend's classes before the first paint, so the mobile menu
    # does not fold after the page is drawn and move everything below it.
    response = client.get(reverse("home"))
    scripts = re.findall(r"<script>(.*?)</script>", response.content.decode())
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_post_to_a_read_only_page_is_refused(client):
    assert Client().post(reverse("contact")).status_code == 405


@pytest.mark.django_db
def test_healthz_reports_the_database_reachable(client):
    response = client.get(reverse("healthz"))
    assert response.content == b"ok"


@pytest.mark.django_db
def test_home_shows_the_latest_issue_the_priorities_and_upcoming_training(client):
    from tests.newsletter.factories import ArticleFactory, IssueFactory
    from tests.priorities.factories import ActionFactory, PriorityFactory
    from tests.training.factories import SessionFactory

    IssueFactory(title="November 2023", published=True, issue_date=datetime.date(2023, 11, 1))
    latest = IssueFactory(
        title="December 2023", published=True, issue_date=datetime.date(2023, 12, 1)
    )
    ArticleFactory(issue=latest)
    IssueFactory(title="January 2024 draft", issue_date=datetime.date(2024, 1, 1))
    priority = PriorityFactory(number=1, title="Domestic Abuse")
    ActionFactory(priority=priority)
    SessionFactory(course__title="Eyes on the Baby", capacity=3)

    html = client.get(reverse("home")).content.decode()
    assert "December 2023" in html
    assert "January 2024 draft" not in html
    assert "Priority 1: Domestic Abuse" in html
    assert "Eyes on the Baby" in html
    assert "3 places left" in html
    assert reverse("subscriptions:subscribe") in html


@pytest.mark.django_db
def test_home_leaves_out_what_does_not_exist_yet(client):
    html = client.get(reverse("home")).content.decode()
    assert "Latest newsletter" not in html
    assert "Upcoming training" not in html
    assert "coming soon" not in html.lower()
    assert "Get the newsletter by email" in html


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_content(client):
    from tests.priorities.factories import ActionFactory, PriorityFactory
    from tests.training.factories import SessionFactory

    def queries_for_home():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("home"))
        return len(captured)

    PriorityFactory(number=1)
    SessionFactory()
    few = queries_for_home()
    for number in range(2, 5):
        ActionFactory.create_batch(10, priority=PriorityFactory(number=number))
    SessionFactory.create_batch(6)
    assert queries_for_home() == few


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_cache_and_broker_answer(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_healthz_says_unavailable_without_details_when_a_part_fails(client, monkeypatch):
    from pages import views

    def broken():
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setitem(views.HEALTH_CHECKS, "cache", broken)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable")
