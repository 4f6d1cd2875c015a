"""Write an issue's email to files so staff and tests can look at it without sending it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletter.emails import issue_email_render
from newsletter.models import Issue


class Command(BaseCommand):
    help = "Render the email of an issue (draft or published) to subject.txt, email.html and email.txt."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The issue's slug, e.g. december-2023.")
        parser.add_argument("--out", required=True, type=Path, help="The folder to write to.")

    def handle(self, *args, slug, out, **options):
        issue = Issue.objects.filter(slug=slug).first()
        if issue is None:
            raise CommandError(f"There is no issue with the slug “{slug}”.")
        rendered = issue_email_render(issue=issue)
        out.mkdir(parents=True, exist_ok=True)
        (out / "subject.txt").write_text(rendered.subject + "\n", encoding="utf-8")
        (out / "email.html").write_text(rendered.html, encoding="utf-8")
        (out / "email.txt").write_text(rendered.text, encoding="utf-8")
        self.stdout.write(
            f"Wrote {rendered.subject!r} to {out}/ (subject.txt, email.html, email.txt)"
        )
