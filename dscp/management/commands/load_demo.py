"""Load the demo content: the December 2023 issue, the priorities, training and lists.

Each app that has a ``demo`` module contributes its own content through
``demo.load()``; every loader is idempotent, so running this twice is safe.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

# Priorities first: training courses and newsletter articles point to them, and
# articles show evaluations' figures. Search last: it indexes what the others created.
DEMO_ORDER = ["priorities", "training", "evaluations", "newsletter", "subscriptions", "search"]


class Command(BaseCommand):
    help = "Create or refresh the demo content (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for label in DEMO_ORDER:
                app = apps.get_app_config(label)
                if not module_has_submodule(app.module, "demo"):
                    continue
                summary = import_module(f"{app.name}.demo").load()
                self.stdout.write(f"{app.verbose_name}: {summary or 'loaded'}")
