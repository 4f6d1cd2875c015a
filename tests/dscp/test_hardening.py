"""What every response and request gets, whatever the view: the site-wide guards."""

import logging
import subprocess
import sys

import pytest
from django.urls import reverse

from dscp.logs import JSONFormatter, ScrubbingFormatter, scrub
from tests.dscp.test_settings import PRODUCTION_ENV, ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/training/", "/subscribe/", "/healthz", "/robots.txt"])
def test_head_is_answered_wherever_get_is_with_the_same_headers_and_no_body(client, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_every_response_has_a_permissions_policy_and_a_request_id(client):
    for response in [client.get("/"), client.get("/no-such-page/"), client.get("/a%00b/")]:
        assert "camera=()" in response["Permissions-Policy"]
        assert len(response["X-Request-ID"]) == 32


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.parametrize(
    "path",
    ["/training/bookings/a%00b/", "/training/?role=a%00b", "/subscribe/confirm/%01x/"],
)
def test_nul_and_control_characters_in_the_address_get_the_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert b"there is a problem with that request" in response.content


def test_nul_in_a_form_value_gets_the_400_page_before_any_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.post(reverse("subscriptions:unsubscribe"), {"email": "a\x00@example.org"})
    assert response.status_code == 400
    assert b"there is a problem with that request" in response.content


def test_a_body_over_the_limit_is_refused_unread(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(
        reverse("subscriptions:unsubscribe"), {"email": "x" * 2000}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 413
    assert b"too large" in response.content


def test_robots_txt_keeps_crawlers_off_personal_links_and_does_not_name_admin(client):
    text = client.get("/robots.txt").content.decode()
    for prefix in ["/preferences/", "/unsubscribe/", "/subscribe/confirm/", "/training/bookings/"]:
        assert f"Disallow: {prefix}\n" in text
    assert "admin" not in text


def test_security_txt_names_a_contact_and_an_expiry_within_a_year(client):
    text = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: mailto:" in text
    assert "Expires: " in text


def test_tokens_in_logged_paths_are_replaced_by_a_hash():
    line = "Not Found: /training/bookings/SECRETtoken1234567890abc/cancel/ and /preferences/eyJzIjoxNjJ9:1xXyao:NJ2y1mbiJHEfQGD/"
    scrubbed = scrub(line)
    assert "SECRETtoken1234567890abc" not in scrubbed and "eyJzIjoxNjJ9" not in scrubbed
    assert "/training/bookings/[token " in scrubbed and "/cancel/" in scrubbed
    for path in ["/unsubscribe/check-your-email/", "/newsletter/december-2023-safeguarding-week/"]:
        assert scrub(path) == path


@pytest.mark.parametrize("formatter", [ScrubbingFormatter("%(message)s"), JSONFormatter()])
def test_log_formatters_scrub_tokens_from_messages_and_tracebacks(formatter):
    try:
        raise ValueError("/preferences/SECRETtoken1234567890abc/")
    except ValueError:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            "",
            0,
            "GET %s",
            ("/unsubscribe/OTHERsecret999aaaaaaaaaaaa/",),
            sys.exc_info(),
        )
    assert "SECRET" not in formatter.format(record)
    assert "OTHERsecret" not in formatter.format(record)


def _proxy_header(env):
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "dscp.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()


def test_the_forwarded_proto_header_is_trusted_only_behind_a_configured_proxy():
    assert _proxy_header({}) == "None"
    assert _proxy_header({"BEHIND_PROXY": "true"}) == "('HTTP_X_FORWARDED_PROTO', 'https')"
