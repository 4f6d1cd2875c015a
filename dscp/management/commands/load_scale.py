"""Load content at the size the performance issue measures pages at, for benchmarks.

``--scale 1`` (the default) adds 100 issues, 2,000 articles, 2,000 guidance links,
200 next steps over the four priorities, 300 courses, 2,000 sessions, 50,000
bookings and 50,000 subscribers; ``--scale 0.1`` a tenth of each. Rows are written
with ``bulk_create`` (a few seconds, not minutes), and it starts a new page-cache version
itself. It refuses to run twice on the same database.
"""

from datetime import date, timedelta
from itertools import cycle

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dscp.addresses import email_hash
from dscp.pagecache import content_changed
from newsletter.models import Article, GuidanceLink, Issue, Section
from priorities.models import Action, Priority, Theme
from subscriptions.models import MailingList, Subscriber, Subscription
from training.models import Agency, Booking, Course, Session

SIZES = {
    "issues": 100,
    "articles": 2000,
    "guidance_links": 2000,
    "next_steps": 200,
    "courses": 300,
    "sessions": 2000,
    "bookings": 50000,
    "subscribers": 50000,
}
BATCH = 2000
PARAGRAPH = (
    "<p>Practitioners across the partnership share what they learned, what changed "
    "for children and families, and where to find the guidance behind it.</p>"
)


class Command(BaseCommand):
    help = "Add benchmark-sized content (see bench/pages.py); refuses to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, scale: float, **options):
        if Issue.objects.filter(slug="scale-issue-0").exists():
            raise CommandError("Scale content is already loaded in this database.")
        sizes = {name: max(1, round(n * scale)) for name, n in SIZES.items()}
        with transaction.atomic():
            self._newsletter(sizes)
            self._priorities(sizes)
            self._training(sizes)
            self._subscribers(sizes)
        # bulk_create sends no save signals: start a new page-cache version by hand.
        content_changed()
        self.stdout.write(", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in sizes.items()))

    def _newsletter(self, sizes):
        sections = [
            Section.objects.get_or_create(
                slug=f"scale-section-{n}", defaults={"title": f"Scale section {n}", "order": n}
            )[0]
            for n in range(10)
        ]
        now = timezone.now()
        issues = Issue.objects.bulk_create(
            [
                Issue(
                    title=f"Scale issue {n}",
                    slug=f"scale-issue-{n}",
                    issue_date=date(2016, 1, 1) + timedelta(days=31 * n),
                    introduction=PARAGRAPH,
                    status=Issue.Status.PUBLISHED,
                    published_at=now - timedelta(days=sizes["issues"] - n),
                )
                for n in range(sizes["issues"])
            ]
        )
        issue_of = cycle(issues)
        section_of = cycle(sections)
        articles = Article.objects.bulk_create(
            [
                Article(
                    issue=next(issue_of),
                    section=next(section_of),
                    title=f"Scale article {n}",
                    slug=f"scale-article-{n}",
                    order=n,
                    summary="What practitioners need to know this month.",
                    body=PARAGRAPH * 4,
                )
                for n in range(sizes["articles"])
            ],
            batch_size=BATCH,
        )
        article_of = cycle(articles)
        GuidanceLink.objects.bulk_create(
            [
                GuidanceLink(
                    article=next(article_of),
                    title=f"National guidance {n}",
                    url=f"https://guidance.example.org/{n}",
                    publisher="Department for Education",
                    published_on=date(2023, 11, 1),
                )
                for n in range(sizes["guidance_links"])
            ],
            batch_size=BATCH,
        )

    def _priorities(self, sizes):
        priorities = list(Priority.objects.order_by("number")[:4])
        for number in range(len(priorities) + 1, 5):
            priorities.append(
                Priority.objects.create(
                    number=number,
                    title=f"Scale priority {number}",
                    slug=f"scale-priority-{number}",
                    summary="Why this priority matters.",
                    order=number,
                )
            )
        themes = [Theme.objects.get_or_create(name=name)[0] for name in ("Communication", "Data")]
        priority_of, theme_of = cycle(priorities), cycle(themes)
        Action.objects.bulk_create(
            [
                Action(
                    priority=next(priority_of),
                    theme=next(theme_of),
                    description=f"Scale next step {n}",
                    owner="DSCP Business Unit",
                    due_date=date(2027, 1, 1) + timedelta(days=n),
                )
                for n in range(sizes["next_steps"])
            ]
        )

    def _training(self, sizes):
        agency, _ = Agency.objects.get_or_create(name="Scale agency")
        priority_of = cycle([None, *Priority.objects.all()])
        courses = Course.objects.bulk_create(
            [
                Course(
                    title=f"Scale course {n}",
                    slug=f"scale-course-{n}",
                    summary="A course for practitioners.",
                    description="What the course covers.",
                    priority=next(priority_of),
                )
                for n in range(sizes["courses"])
            ]
        )
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        course_of = cycle(courses)
        # Most sessions ahead, spread over a year; one in ten already past.
        sessions = Session.objects.bulk_create(
            [
                Session(
                    course=next(course_of),
                    starts_at=start + timedelta(hours=4 * n - (24 * 30 if n % 10 == 0 else 0)),
                    ends_at=start + timedelta(hours=4 * n + 3 - (24 * 30 if n % 10 == 0 else 0)),
                    venue="County Hall, Durham",
                    capacity=30,
                )
                for n in range(sizes["sessions"])
            ],
            batch_size=BATCH,
        )
        per_session = -(-sizes["bookings"] // len(sessions))
        Booking.objects.bulk_create(
            [
                Booking(
                    session=sessions[n // per_session],
                    name=f"Person {n}",
                    email=f"person{n}@example.org",
                    agency=agency,
                    job_role="Social Worker",
                    status=(
                        Booking.Status.CONFIRMED
                        if n % per_session < 30
                        else Booking.Status.WAITLISTED
                    ),
                    waitlist_position=(n % per_session - 29 if n % per_session >= 30 else None),
                    verified_at=start,
                )
                for n in range(sizes["bookings"])
            ],
            batch_size=BATCH,
        )

    def _subscribers(self, sizes):
        newsletter, _ = MailingList.objects.get_or_create(
            slug="scale-newsletter", defaults={"name": "Scale newsletter"}
        )
        emails = [f"reader{n}@example.org" for n in range(sizes["subscribers"])]
        people = Subscriber.objects.bulk_create(
            [Subscriber(email=e, email_hash=email_hash(e)) for e in emails], batch_size=BATCH
        )
        now = timezone.now()
        Subscription.objects.bulk_create(
            [
                Subscription(
                    subscriber=p,
                    mailing_list=newsletter,
                    status=Subscription.Status.ACTIVE,
                    status_changed_at=now,
                    confirmed_at=now,
                )
                for p in people
            ],
            batch_size=BATCH,
        )
