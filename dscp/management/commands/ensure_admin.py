"""Make sure a staff login exists for local use and print it (``make run``)."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class Command(BaseCommand):
    help = "Create the local admin user if missing and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_admin is for local use. In production run `manage.py createsuperuser`, "
                "then `manage.py enrol_two_factor USERNAME` to set up the authenticator app "
                "that admin asks for a code from after the password."
            )
        password_file = settings.VAR_DIR / "admin-password.txt"
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        admin_url = settings.SITE_URL + reverse("admin:index")
        self.stdout.write(f"Admin login: {admin_url}  username: {username}  password: {password}")
        if settings.ADMIN_REQUIRE_2FA:
            self.stdout.write(
                f"Two-factor sign-in is on: run `manage.py enrol_two_factor {username}` "
                "for the code."
            )
        else:
            self.stdout.write(
                "This local login is password-only. Production also asks staff for a code "
                "from an authenticator app (set up with `manage.py enrol_two_factor`)."
            )
