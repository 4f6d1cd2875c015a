"""The production stack end to end: gunicorn with production settings, a Celery worker and
beat, PostgreSQL, Redis and an SMTP sink, used over HTTP as people use it.

Settings are production's: DEBUG off, HTTPS on behind a proxy (the client sends
``X-Forwarded-Proto: https`` as the proxy would), whitenoise's hashed static files
from a ``collectstatic`` run, two-factor admin sign-in, real email over SMTP.
"""

import os
import re
import signal
import subprocess
from collections import Counter
from email import message_from_string
from email.policy import default as default_policy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsletter.models import Send
from tests.factories import STAFF_PASSWORD, StaffFactory
from tests.files import PDF
from tests.newsletter.audience import build_audience
from tests.newsletter.factories import ResourceFactory
from tests.support.http import PortalClient
from tests.support.processes import PYTHON, ROOT, free_port, start_gunicorn, wait_until
from tests.training.factories import AgencyFactory, SessionFactory
from training.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "portal.example.org"
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
]


def production(tmp_path) -> dict:
    """What differs from the test run's own environment: production's settings."""
    return {
        "DEBUG": "false",
        "HTTPS": "true",
        "BEHIND_PROXY": "true",
        "STATIC_MANIFEST": "true",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-smoke-test-0123456789",
        "SITE_URL": f"https://{HOST}",
        "ALLOWED_HOSTS": HOST,
        "ADMIN_REQUIRE_2FA": "true",
        "LOG_FORMAT": "json",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


def mail_to(stack, address: str, *, count: int) -> list[dict]:
    """The messages the sink holds for ``address``, once there are ``count`` of them."""
    wait_until(
        lambda: sum(e["rcpt"] == address for e in stack.received()) >= count,
        timeout=120,
        what=f"{count} email(s) to {address}",
    )
    return [e for e in stack.received() if e["rcpt"] == address]


def link_in(entry: dict, path_start: str) -> str:
    """The path of the first link in the message's plain-text part that starts ``path_start``."""
    message = message_from_string(entry["raw"], policy=default_policy)
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https://{re.escape(HOST)}({re.escape(path_start)}\S+)", text).group(1)


def headers_of(response) -> str:
    return "\n".join(f"{name}: {value}" for name, value in response.headers.items())


def test_subscribe_book_sign_in_with_two_factor_and_send_over_the_production_stack(
    delivery_stack, tmp_path, settings
):
    stack = delivery_stack
    env = production(tmp_path)
    settings.MEDIA_ROOT = env["MEDIA_ROOT"]  # where the briefing below is stored for gunicorn
    audience = build_audience(
        subscribers=12, overlap=3, suppressed=2, unsubscribed=2, published=False
    )
    briefing = ResourceFactory(
        article=audience.issue.articles.first(),
        url="",
        file=SimpleUploadedFile("unseen-males.pdf", PDF),
    )
    session = SessionFactory(course__title="Eyes on the Baby", capacity=5)
    agency = AgencyFactory(name="Durham Constabulary")
    staff = StaffFactory(username="lead")
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)

    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=stack.env(**env),
        check=True,
        timeout=300,
    )
    stack.start_sink(keep_raw=True)
    stack.start_worker(**env)
    stack.start_beat(**env)
    port = free_port()
    web = start_gunicorn(env=stack.env(**env), port=port, log=tmp_path / "gunicorn.log")
    stack.services.append(web)
    client = PortalClient(f"http://127.0.0.1:{port}", HOST)

    # The home page and admin's sign-in page, with the headers production sends.
    home = client.get("/")
    login = client.get("/admin/login/")
    for page in (home, login):
        assert page.status_code == 200
        assert [h for h in SECURITY_HEADERS if h not in page.headers] == []
        print(f"\n{page.request.path_url} as gunicorn serves it:\n{headers_of(page)}")
    assert "no-store" in login.headers["Cache-Control"]
    assert "Code from your authenticator app" in login.text
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), "whitenoise's hashed name"
    css = client.get(stylesheet)
    assert css.status_code == 200 and "immutable" in css.headers["Cache-Control"]

    # A draft's attachment is not public yet.
    assert client.get(briefing.href).status_code == 404

    # Subscribe, then confirm by the emailed link.
    reader = "reader@example.org"
    sent = client.submit(
        "/subscribe/", form_with="email", email=reader, lists=[str(audience.lists[0].pk)]
    )
    assert sent.url.endswith("/subscribe/check-your-email/")
    (confirmation,) = mail_to(stack, reader, count=1)
    confirm_path = link_in(confirmation, "/subscribe/confirm/")
    confirmed = client.submit(confirm_path)
    assert "You are subscribed to" in confirmed.text

    # Book a place: the post holds it and emails a link; following the link books it.
    booker = "sam.robson@example.org"
    held = client.submit(
        f"/training/sessions/{session.pk}/book/",
        form_with="email",
        name="Sam Robson",
        email=booker,
        agency=str(agency.pk),
        job_role="Social worker",
    )
    assert held.url.endswith("/book/check-your-email/"), held.text[:2000]
    assert Booking.objects.get(email=booker).status == Booking.Status.UNCONFIRMED
    (request,) = mail_to(stack, booker, count=1)
    booked = client.submit(link_in(request, "/training/bookings/confirm/"))
    assert "/confirmation/" in booked.url, booked.text[:2000]
    assert Booking.objects.get(email=booker).status == Booking.Status.CONFIRMED
    booking_mail = next(
        e for e in mail_to(stack, booker, count=2) if e["headers"]["Subject"].startswith("Booking")
    )
    manage = client.get(link_in(booking_mail, "/training/bookings/"))
    assert manage.status_code == 200 and "Eyes on the Baby" in manage.text

    # Staff sign in with a password and the authenticator app's code.
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    client.cookies.clear()
    signed_in = client.submit(
        "/admin/login/",
        form_with="username",
        username="lead",
        password=STAFF_PASSWORD,
        otp_token=code,
    )
    assert signed_in.url.endswith("/admin/"), signed_in.text[:2000]

    # Publish and send the draft issue to both lists, now.
    issue = audience.issue
    lists = [str(m.pk) for m in audience.lists]
    confirm_page = client.submit(
        f"/admin/newsletter/send/new/{issue.pk}/", form_with="lists", lists=lists, when="now"
    )
    assert confirm_page.status_code == 200
    started = client.send(confirm_page, form_with="confirm")
    assert "is on its way" in started.text, started.text[:2000]
    send = Send.objects.get(issue=issue)
    wait_until(
        lambda: Send.objects.get(pk=send.pk).status == Send.Status.DONE,
        timeout=180,
        what="the send to finish",
    )
    assert not stack.task_errors(), stack.task_errors()
    assert client.get(issue.get_absolute_url()).status_code == 200  # published
    anonymous = PortalClient(f"http://127.0.0.1:{port}", HOST)
    download = anonymous.get(briefing.href)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    print(f"\n{briefing.href} as gunicorn serves it:\n{headers_of(download)}")

    # Each email arrived once, to the right people, with the right headers.
    readers = audience.eligible | {reader}
    subject = f"DSCP Newsletter: {issue.title}"
    # A send is done once every delivery is recorded as sent, so its mail is all in.
    issued = {e["rcpt"] for e in stack.received() if e["headers"]["Subject"] == subject}
    assert issued == readers, (issued - readers, readers - issued)
    entries = stack.received()
    got = sorted(e["headers"]["Subject"] for e in entries if e["rcpt"] == reader)
    assert len(got) == 3, got  # confirm, welcome, the issue
    assert {e["rcpt"] for e in entries} == readers | {booker}
    twice = [
        k
        for k, n in Counter((e["rcpt"], e["headers"]["Subject"]) for e in entries).items()
        if n > 1
    ]
    assert twice == []
    issue_mail = [e for e in entries if e["headers"]["Subject"] == subject]
    assert sorted(e["rcpt"] for e in issue_mail) == sorted(readers)
    for entry in issue_mail:
        headers = entry["headers"]
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"<https://{HOST}/unsubscribe/" in headers["List-Unsubscribe"]
        assert headers["List-Id"] and headers["Reply-To"] == "DSCPSecure@durham.gov.uk"
        assert "text/plain" in entry["parts"] and "text/html" in entry["parts"]
    assert len({e["headers"]["Message-ID"] for e in entries}) == len(entries)
    token = confirm_path.rstrip("/").rsplit("/", 1)[1]
    assert token not in (tmp_path / "gunicorn.log").read_text()

    # Everything stops on SIGTERM, as a process manager stops it, and leaves nothing behind.
    for service in reversed(stack.services):
        service.process.send_signal(signal.SIGTERM)
        assert service.process.wait(timeout=60) == 0, service.process.args
        with pytest.raises(ProcessLookupError):
            os.killpg(service.process.pid, 0)
