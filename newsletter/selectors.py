"""Reads for the newsletter's pages, feed, emails and other apps."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dscp.dates import format_date, format_datetime
from newsletter.models import Article, Delivery, GuidanceLink, Issue, Resource, Section, Send
from newsletter.reading import Length, words_in
from subscriptions import selectors as subscription_selectors


def published_issues() -> QuerySet[Issue]:
    """Published issues, newest first."""
    return Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("-issue_date", "-pk")


def latest_issue() -> Issue | None:
    """The latest published issue, for the home page."""
    return published_issues().first()


def archive_issues() -> QuerySet[Issue]:
    """Published issues for the archive, each with its number of articles."""
    return published_issues().annotate(article_count=Count("articles"))


def issue_for_viewer(*, slug: str, user) -> Issue | None:
    """The issue with this slug if the viewer may see it: anyone if published, staff if draft."""
    issue = Issue.objects.filter(slug=slug).first()
    if issue is None or (not issue.is_published and not user.is_staff):
        return None
    return issue


def upload_visible_to(*, name: str, user) -> bool:
    """Whether the viewer may fetch this stored file (a cover, an article's image, an image
    for the text or a resource): anyone once an issue using it is published, before that
    staff who may view issues."""
    statuses = set(
        Issue.objects.filter(
            Q(cover_image=name)
            | Q(articles__image=name)
            | Q(images__image=name)
            | Q(articles__resources__file=name)
        ).values_list("status", flat=True)
    )
    if Issue.Status.PUBLISHED in statuses:
        return True
    return bool(statuses) and user.has_perm("newsletter.view_issue")


def issue_links_to_follow(*, issue: Issue) -> list[tuple[Article, str]]:
    """Guidance and resources of an issue still without an address, for staff to fill in."""
    guidance = GuidanceLink.objects.filter(article__issue=issue, url="").select_related("article")
    resources = Resource.objects.filter(article__issue=issue, url="", file="").select_related(
        "article"
    )
    found = [*guidance, *resources]
    found.sort(key=lambda link: (link.article.section_id, link.article.order, link.order))
    return [(link.article, link.title) for link in found]


def _articles_with_links(issue: Issue) -> QuerySet[Article]:
    return (
        Article.objects.filter(issue=issue)
        .select_related("issue", "section", "priority", "course", "event", "figure")
        .prefetch_related(
            Prefetch("guidance_links", queryset=GuidanceLink.objects.order_by("order", "pk")),
            Prefetch("resources", queryset=Resource.objects.order_by("order", "pk")),
        )
        .order_by("section__order", "section__title", "order", "pk")
    )


def issue_articles(*, issue: Issue) -> list[Article]:
    """Every article of an issue in reading order, with all it links to, in a fixed number of queries."""
    return list(_articles_with_links(issue))


@dataclass(frozen=True)
class SectionContents:
    section: Section
    articles: list[Article]

    @property
    def lists_articles(self) -> bool:
        """False when the section's one article has the section's own title, e.g. Contact Us."""
        return len(self.articles) > 1 or self.articles[0].title != self.section.title


def issue_sections(*, articles: list[Article]) -> list[SectionContents]:
    """Articles grouped under their sections, in the sections' order: the "In this issue" list."""
    grouped: list[SectionContents] = []
    for article in articles:
        if not grouped or grouped[-1].section.pk != article.section_id:
            grouped.append(SectionContents(section=article.section, articles=[]))
        grouped[-1].articles.append(article)
    return grouped


def article_for_viewer(*, issue: Issue, slug: str) -> Article | None:
    """One article of an issue the viewer may already see."""
    return _articles_with_links(issue).filter(slug=slug).first()


def public_articles() -> QuerySet[Article]:
    """Every article of a published issue, with its issue and section."""
    return Article.objects.filter(issue__status=Issue.Status.PUBLISHED).select_related(
        "issue", "section"
    )


def public_resources() -> QuerySet[Resource]:
    """Every resource of an article in a published issue, with the article and issue."""
    return Resource.objects.filter(article__issue__status=Issue.Status.PUBLISHED).select_related(
        "article__issue"
    )


def public_guidance_links() -> QuerySet[GuidanceLink]:
    """Every guidance link of an article in a published issue, with the article and issue."""
    return GuidanceLink.objects.filter(
        article__issue__status=Issue.Status.PUBLISHED
    ).select_related("article__issue")


def articles_for_priority(*, priority) -> QuerySet[Article]:
    """Articles in published issues linked to a priority, newest first."""
    return (
        Article.objects.filter(priority=priority, issue__status=Issue.Status.PUBLISHED)
        .select_related("issue", "section")
        .order_by("-issue__issue_date", "-issue__pk", "section__order", "order", "pk")
    )


# Sending: who gets an issue, and how a send is going


def send_recipients(*, issue: Issue, lists) -> QuerySet:
    """Subscribers on any of ``lists`` who may be mailed and have not had this issue."""
    already = Delivery.objects.filter(issue=issue, subscriber=OuterRef("pk"))
    return subscription_selectors.mailable_subscribers(lists=lists).exclude(Exists(already))


def send_recipient_count(*, issue: Issue, lists) -> int:
    """The exact number of people a send would reach, after deduplication and suppression."""
    return send_recipients(issue=issue, lists=lists).count()


def issue_delivered_count(*, issue: Issue) -> int:
    """How many people this issue has already gone to, by any send."""
    return Delivery.objects.filter(issue=issue, state=Delivery.State.SENT).count()


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    sending: int
    sent: int
    failed: int
    skipped: int
    per_minute: int
    finish_at: datetime | None
    running: bool

    @property
    def handled(self) -> int:
        """Recipients the send has finished with, one way or another: the progress bar's value."""
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return 100 * self.handled // self.total if self.total else 0


RUNNING = (Send.Status.SCHEDULED, Send.Status.EXPANDING, Send.Status.SENDING)


def send_progress(*, send: Send) -> Progress:
    """Counts by state, the rate over the whole send and an estimated finish, in one query.

    The rate is messages sent over the time from the first to the latest one sent
    (to now while running), so once the send has stopped it is the final average
    and reads the same on every reload.
    """
    now = timezone.now()
    counts = Delivery.objects.filter(send=send).aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(state=state)) for state in Delivery.State.values},
        first_sent=Min("sent_at"),
        last_sent=Max("sent_at"),
    )
    running = send.status in RUNNING
    per_minute = 0
    if counts["first_sent"]:
        until = now if running else counts["last_sent"]
        # At least a second, so a send that went out within one second has a rate.
        seconds = max((until - counts["first_sent"]).total_seconds(), 1)
        per_minute = round(counts["sent"] * 60 / seconds)
    remaining = counts["pending"] + counts["sending"]
    finish_at = (
        now + timedelta(minutes=remaining / per_minute)
        if running and per_minute and remaining
        else None
    )
    return Progress(
        total=counts["total"],
        pending=counts["pending"],
        sending=counts["sending"],
        sent=counts["sent"],
        failed=counts["failed"],
        skipped=counts["skipped"],
        per_minute=per_minute,
        finish_at=finish_at,
        running=running,
    )


def send_heading(*, send: Send) -> str:
    """The send page's heading, saying the state it is in."""
    issue = f"“{send.issue}”"
    return {
        Send.Status.SCHEDULED: f"{issue} is scheduled to send",
        Send.Status.EXPANDING: f"Finding who gets {issue}",
        Send.Status.SENDING: f"Sending {issue}",
        Send.Status.PAUSED: f"Sending {issue} is paused",
        Send.Status.DONE: f"{issue} has been sent",
        Send.Status.CANCELLED: f"Sending {issue} was cancelled",
    }[send.status]


def send_failures(*, send: Send, limit: int = 200) -> list[Delivery]:
    """The deliveries that failed, with the address and reason, for the send's page."""
    return list(
        Delivery.objects.filter(send=send, state=Delivery.State.FAILED)
        .select_related("subscriber")
        .order_by("pk")[:limit]
    )


# Publishing and sending as one plan: what the issue list and page say about each issue


def _delivery_count(state: str) -> Coalesce:
    counted = (
        Delivery.objects.filter(issue=OuterRef("pk"), state=state)
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def issues_with_plan(queryset: QuerySet[Issue]) -> QuerySet[Issue]:
    """Issues annotated with their send figures and next send, by subqueries (no join fan-out)."""
    sends = Send.objects.filter(issue=OuterRef("pk")).order_by()
    return queryset.annotate(
        plan_sent=_delivery_count(Delivery.State.SENT),
        plan_failed=_delivery_count(Delivery.State.FAILED),
        plan_last_sent_at=Subquery(
            Delivery.objects.filter(issue=OuterRef("pk"), state=Delivery.State.SENT)
            .order_by("-sent_at")
            .values("sent_at")[:1]
        ),
        plan_next_send_at=Subquery(
            sends.filter(status=Send.Status.SCHEDULED)
            .order_by("scheduled_for")
            .values("scheduled_for")[:1]
        ),
        plan_publish_with_send_at=Subquery(
            sends.filter(status=Send.Status.SCHEDULED, publish_issue=True)
            .order_by("scheduled_for")
            .values("scheduled_for")[:1]
        ),
        plan_sending=Exists(sends.filter(status__in=[Send.Status.EXPANDING, Send.Status.SENDING])),
        # A publish-and-send still to come, paused ones too: a held one waits paused.
        plan_publish_waiting=Exists(
            sends.filter(publish_issue=True, status__in=[Send.Status.SCHEDULED, Send.Status.PAUSED])
        ),
    )


def issue_is_held(issue: Issue) -> bool:
    """Whether a publish still planned (a time, or a publish-and-send) is held by a problem.

    The reason stays on the issue until it is published; once staff take the time away
    or cancel the send, nothing is held. Needs an issue from ``issues_with_plan``.
    """
    return bool(issue.publish_held) and (issue.publish_at is not None or issue.plan_publish_waiting)


def issue_publish_state(issue: Issue) -> str:
    """Published 3 January 2024 / Draft: publishes 6 February 2024, 9:30am / Draft. Not published: … / Draft.

    Needs an issue from ``issues_with_plan``.
    """
    if issue.is_published:
        return f"Published {format_date(issue.published_at)}"
    if issue_is_held(issue):
        return f"Draft. {issue.publish_held}"
    times = [t for t in (issue.publish_at, issue.plan_publish_with_send_at) if t]
    if times:
        return f"Draft: publishes {format_datetime(min(times))}"
    return "Draft"


def issue_send_state(issue: Issue) -> str:
    """Sent to 1,234 people (2 failed), last on 6 February 2024; plus a sending or scheduled send.

    Needs an issue from ``issues_with_plan``.
    """
    parts = []
    if issue.plan_sent or issue.plan_failed:
        failed = f" ({issue.plan_failed:,} failed)" if issue.plan_failed else ""
        people = "person" if issue.plan_sent == 1 else "people"
        when = (
            f", last on {format_date(issue.plan_last_sent_at)}" if issue.plan_last_sent_at else ""
        )
        parts.append(f"Sent to {issue.plan_sent:,} {people}{failed}{when}")
    if issue.plan_sending:
        parts.append("Sending now")
    if issue.plan_next_send_at:
        parts.append(f"Send scheduled for {format_datetime(issue.plan_next_send_at)}")
    return "; ".join(parts) or "Not sent"


def issues_in_hand() -> list[Issue]:
    """Drafts, and issues with a send still to come, for the staff home; one query."""
    future = Send.objects.filter(issue=OuterRef("pk"), status__in=[*RUNNING, Send.Status.PAUSED])
    issues = list(
        issues_with_plan(
            Issue.objects.filter(Q(status=Issue.Status.DRAFT) | Exists(future))
        ).order_by("-issue_date", "-pk")
    )
    for issue in issues:
        issue.publish_state, issue.send_state = issue_publish_state(issue), issue_send_state(issue)
        issue.held = issue_is_held(issue)
    return issues


def last_send() -> Send | None:
    """The send that started most recently, with the issue, for the staff home."""
    return (
        Send.objects.filter(started_at__isnull=False)
        .select_related("issue")
        .order_by("-started_at", "-pk")
        .first()
    )


def issue_length(*, issue: Issue) -> Length:
    """Words in the issue's welcome and articles (titles, summaries, text), and the reading time."""
    words = words_in(issue.introduction)
    for title, summary, body in Article.objects.filter(issue=issue).values_list(
        "title", "summary", "body"
    ):
        words += words_in(title) + words_in(summary) + words_in(body)
    return Length(words=words)


def issue_texts(*, issue: Issue) -> dict[str, str]:
    """Every rich text of an issue that can hold its images, by the name staff know it by."""
    return {
        "Welcome": issue.introduction,
        **{
            f"the article “{title}”": body
            for title, body in issue.articles.values_list("title", "body")
        },
    }
