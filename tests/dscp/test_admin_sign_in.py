"""Signing in to admin: lockout, two-factor codes, the record of sign-ins, idle timeout."""

import subprocess
import sys
import time
from io import StringIO
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.dscp.test_settings import PRODUCTION_ENV, ROOT
from tests.factories import STAFF_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def sign_in(client, username, password=STAFF_PASSWORD, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/", **extra}
    )


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_five_wrong_passwords_lock_the_sign_in_even_with_the_right_one_after(client):
    staff = StaffFactory()
    answers = [sign_in(client, staff.username, "wrong").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    locked = sign_in(client, staff.username)
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start >= 5


def test_a_lockout_is_per_address_so_staff_elsewhere_can_still_sign_in(client):
    staff = StaffFactory()
    for _ in range(5):
        sign_in(client, staff.username, "wrong")
    other = client.post(
        LOGIN,
        {"username": staff.username, "password": STAFF_PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


def test_successful_and_failed_sign_ins_are_recorded(client):
    staff = StaffFactory()
    sign_in(client, staff.username, "wrong")
    assert sign_in(client, staff.username).status_code == 302
    assert AccessLog.objects.filter(username=staff.username).count() == 1
    # A success clears the failures, so one slip a day never adds up to a lockout.
    assert not AccessAttempt.objects.filter(username=staff.username).exists()


def test_with_two_factor_on_a_password_alone_does_not_sign_in(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    staff = StaffFactory()
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    response = sign_in(client, staff.username)
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_two_factor_on_the_password_and_the_apps_code_sign_in(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    response = sign_in(client, staff.username, otp_token=code(device))
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_two_factor_on_a_session_without_a_code_is_sent_to_sign_in(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:index")).status_code == 302


def test_enrolment_prints_a_setup_link_for_the_authenticator_app():
    staff = StaffFactory(username="sam")
    out = StringIO()
    call_command("enrol_two_factor", "sam", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_staff_sessions_end_after_half_an_hour_without_a_request(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(StaffFactory())
    later = time.time() + 29 * 60
    with mock.patch("dscp.middleware.time.time", return_value=later):
        client.get(reverse("admin:index"))
    # Used at 29 minutes, so the session was saved, and its half hour starts again.
    assert client.session["touched_at"] == int(later)


def test_admin_lives_at_the_path_the_environment_names():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "dscp.settings",
            "ADMIN_PATH": "staff-7f3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "/staff-7f3/"
