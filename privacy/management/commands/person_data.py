"""A person's data by email address: print it as JSON, or erase it everywhere."""

import json

from django.core.management.base import BaseCommand, CommandError

from privacy.selectors import person_data_export
from privacy.services import person_data_erase


class Command(BaseCommand):
    help = "Export (--export) or erase (--erase) everything held about an email address."

    def add_arguments(self, parser):
        parser.add_argument("email")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="print the data as JSON")
        action.add_argument(
            "--erase", action="store_true", help="erase it; keep a suppression hash"
        )

    def handle(self, *args, email, export, erase, **options):
        if "@" not in email:
            raise CommandError("Give the person's email address.")
        if export:
            self.stdout.write(json.dumps(person_data_export(email=email), indent=2))
        else:
            counts = person_data_erase(email=email)
            self.stdout.write(
                "Erased: " + ", ".join(f"{count} {what}" for what, count in counts.items())
            )
