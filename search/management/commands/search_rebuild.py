from django.core.management.base import BaseCommand

from search import services


class Command(BaseCommand):
    help = "Rebuild the site search index from the published content."

    def handle(self, *args, **options):
        for label, count in services.index_rebuild().items():
            self.stdout.write(f"{label}: {count}")
