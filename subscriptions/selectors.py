"""Reads: who may be mailed, the lists on offer, and what we hold about a person."""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from subscriptions.addresses import email_hash
from subscriptions.models import MailingList, Subscriber, Subscription, Suppression

ListsArg = Iterable[MailingList | int]


def _list_ids(lists: ListsArg) -> list[int]:
    return [item.pk if isinstance(item, MailingList) else int(item) for item in lists]


def mailable_subscribers(*, lists: ListsArg) -> QuerySet[Subscriber]:
    """Subscribers with an active subscription to any of ``lists`` who are not suppressed.

    Each subscriber appears once: the conditions are EXISTS subqueries rather
    than joins, so the query needs no DISTINCT and can feed INSERT … SELECT or
    chunked iteration by primary key.
    """
    active = Subscription.objects.filter(
        subscriber=OuterRef("pk"),
        mailing_list__in=_list_ids(lists),
        status=Subscription.Status.ACTIVE,
    )
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    return Subscriber.objects.filter(Exists(active)).exclude(Exists(suppressed)).order_by("pk")


def subscriber_is_mailable(*, subscriber_id: int, list_ids: list[int]) -> bool:
    """Whether this subscriber may be sent mail for these lists right now (one query)."""
    return mailable_subscribers(lists=list_ids).filter(pk=subscriber_id).exists()


def is_suppressed(*, email: str) -> bool:
    """Whether the address is on the suppression list; ValidationError if it is not an address."""
    return Suppression.objects.filter(email_hash=email_hash(email)).exists()


def public_lists() -> QuerySet[MailingList]:
    """The lists anyone can join from the website."""
    return MailingList.objects.filter(is_public=True)


def lists_with_counts() -> QuerySet[MailingList]:
    """Every list with the number of subscriptions in each status, in one query."""
    status = Subscription.Status
    return MailingList.objects.annotate(
        **{
            f"{value}_count": Count("subscriptions", filter=Q(subscriptions__status=value))
            for value in status.values
        }
    )


def subscriber_lists(*, subscriber: Subscriber, statuses: Iterable[str]) -> list[MailingList]:
    """The lists on which the subscriber has one of ``statuses``."""
    return list(
        MailingList.objects.filter(
            subscriptions__subscriber=subscriber, subscriptions__status__in=list(statuses)
        )
    )


def subscriber_data(*, subscriber: Subscriber) -> dict:
    """Everything we hold about a subscriber, for the "download my data" file."""
    subscriptions = subscriber.subscriptions.select_related("mailing_list").order_by("pk")
    records = subscriber.consent_records.select_related("mailing_list")
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "organisation": subscriber.organisation,
        "created_at": subscriber.created_at.isoformat(),
        "subscriptions": [
            {
                "list": s.mailing_list.name,
                "status": s.status,
                "status_changed_at": s.status_changed_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in subscriptions
        ],
        "consent_records": [
            {
                "list": r.mailing_list.name,
                "action": r.action,
                "method": r.method,
                "statement_version": r.statement_version,
                "statement": r.statement_text,
                "note": r.note,
                "at": r.created_at.isoformat(),
            }
            for r in records
        ],
    }
