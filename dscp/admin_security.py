"""Signing in to admin: a password and a code from an authenticator app (TOTP).

Lockout after repeated failures is django-axes' (see ``AXES_*`` in settings);
this module holds what the admin site itself needs.
"""

from django.conf import settings
from django.contrib import admin
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffSignInForm(OTPAdminAuthenticationForm):
    """Password and code. Each staff member has one authenticator app (``enrol_two_factor``
    replaces any other), so there is no device to choose."""

    def _chosen_device(self, user):
        return (
            super()._chosen_device(user)
            or TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        )


class TwoFactorAdminSite(admin.AdminSite):
    """An admin site that, with ``ADMIN_REQUIRE_2FA`` on, lets in only staff verified by TOTP.

    The setting is read on each request, so ``make run`` can stay password-only
    for its demo login while production asks every staff member for a code.
    """

    @property
    def login_form(self):
        return StaffSignInForm if settings.ADMIN_REQUIRE_2FA else None

    @property
    def login_template(self):
        return "admin/login_two_factor.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        verified = not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        return super().has_permission(request) and verified


def client_ip(request) -> str | None:
    """The client's address for lockouts, read as the rate limits read it."""
    return request.META.get(settings.RATELIMIT_IP_META_KEY, "").split(",")[0].strip() or None
