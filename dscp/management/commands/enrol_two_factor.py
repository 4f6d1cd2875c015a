"""Give a staff member the authenticator-app code they need to sign in to admin."""

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Enrol a staff user for two-factor sign-in: prints a QR code and a setup link to "
        "open in an authenticator app. Replaces any earlier enrolment (a lost phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff user is called {username!r}.")
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        self.stdout.write(
            f"Two-factor sign-in for {username}: scan this code with an authenticator app "
            "(Microsoft Authenticator, Google Authenticator or similar), or open the link on "
            "the phone. Admin then asks for the six-digit code it shows after the password.\n"
        )
        segno.make(device.config_url).terminal(out=self.stdout, compact=True)
        self.stdout.write(f"\n{device.config_url}\n")
        self.stdout.write("Show this to no one else; run the command again if the phone is lost.")
