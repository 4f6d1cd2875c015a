import pytest
from django.test import Client
from django.urls import reverse

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
def test_contact_page_shows_the_partnership_contact_details(client):
    html = client.get(reverse("contact")).content.decode()
    for detail in [
        "Room 3/79-82",
        "County Hall",
        "DH1 5UJ",
        "03000 265770",
        "DSCPSecure@durham.gov.uk",
        "@DurhamSCP",
    ]:
        assert detail in html


@pytest.mark.django_db
def test_privacy_notice_states_the_retention_rules(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "not confirmed within 7 days is deleted" in html
    assert "one-way code" in html


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_sites_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_server_error_page_needs_no_database_or_context():
    from dscp.views import server_error

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
def test_a_post_to_a_read_only_page_is_refused(client):
    assert Client().post(reverse("contact")).status_code == 405


@pytest.mark.django_db
def test_healthz_reports_the_database_reachable(client):
    response = client.get(reverse("healthz"))
    assert response.content == b"ok"
