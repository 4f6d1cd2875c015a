"""Build many subscribers quickly for delivery tests and the send benchmark."""

from dataclasses import dataclass

from django.utils import timezone

from dscp.addresses import email_hash
from subscriptions.models import MailingList, Subscriber, Subscription, Suppression
from tests.newsletter.factories import ArticleFactory, IssueFactory

Status = Subscription.Status


@dataclass
class Audience:
    issue: object
    lists: list[MailingList]
    subscribers: list[Subscriber]
    eligible: set[str]
    suppressed: set[str]
    unsubscribed: set[str]
    gone: set[str]


def build_audience(
    *,
    subscribers: int,
    overlap: int = 0,
    suppressed: int = 0,
    unsubscribed: int = 0,
    busy: int = 0,
    gone: int = 0,
    published: bool = True,
) -> Audience:
    """A published issue and two lists; half the people on each, ``overlap`` on both.

    Addresses starting ``busy-`` and ``gone-`` let the SMTP sink answer 451 or 550.
    """
    issue = IssueFactory(published=published)
    ArticleFactory.create_batch(3, issue=issue)
    lists = [
        MailingList.objects.create(name=f"List {n} for {issue.slug}", slug=f"list-{n}-{issue.slug}")
        for n in (1, 2)
    ]
    tag = issue.slug  # unique per audience, so one test can build several
    emails = (
        [f"busy-{tag}-{n}@example.org" for n in range(busy)]
        + [f"gone-{tag}-{n}@example.org" for n in range(gone)]
        + [f"person-{tag}-{n}@example.org" for n in range(subscribers - busy - gone)]
    )
    people = Subscriber.objects.bulk_create(
        [Subscriber(email=email, email_hash=email_hash(email)) for email in emails], batch_size=2000
    )
    now = timezone.now()
    half = len(people) // 2
    memberships = [(p, lists[0]) for p in people[:half]] + [(p, lists[1]) for p in people[half:]]
    memberships += [(p, lists[1]) for p in people[half - overlap : half]]
    Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=p,
                mailing_list=ml,
                status=Status.ACTIVE,
                status_changed_at=now,
                confirmed_at=now,
            )
            for p, ml in memberships
        ],
        batch_size=2000,
    )
    # Unsubscribed and suppressed people come from the end, away from busy/gone.
    leavers = people[len(people) - unsubscribed :] if unsubscribed else []
    Subscription.objects.filter(subscriber__in=leavers).update(status=Status.UNSUBSCRIBED)
    blocked = (
        people[len(people) - unsubscribed - suppressed : len(people) - unsubscribed]
        if suppressed
        else []
    )
    Suppression.objects.bulk_create(
        [Suppression(email_hash=p.email_hash, reason=Suppression.Reason.BOUNCED) for p in blocked]
    )
    everyone = {p.email for p in people}
    left = {p.email for p in leavers}
    stopped = {p.email for p in blocked}
    return Audience(
        issue=issue,
        lists=lists,
        subscribers=people,
        eligible=everyone - left - stopped,
        suppressed=stopped,
        unsubscribed=left,
        gone={e for e in emails if e.startswith("gone-")},
    )
