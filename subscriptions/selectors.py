"""Reads: who may be mailed, the lists on offer, what we hold about a person, their links
and who a link is for."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from subscriptions.errors import SubscriptionError
from subscriptions.models import MailingList, Subscriber, Subscription, Suppression
from subscriptions.tokens import make_token, read_token

ListsArg = Iterable[MailingList | int]


def _list_ids(lists: ListsArg) -> list[int]:
    return [item.pk if isinstance(item, MailingList) else int(item) for item in lists]


def mailable_subscribers(*, lists: ListsArg) -> QuerySet[Subscriber]:
    """Subscribers with an active subscription to any of ``lists`` who are not suppressed.

    Each subscriber appears once: the conditions are EXISTS subqueries rather
    than joins, so the query needs no DISTINCT and can be read in chunks by
    primary key (the send's expansion does).
    """
    active = Subscription.objects.filter(
        subscriber=OuterRef("pk"),
        mailing_list__in=_list_ids(lists),
        status=Subscription.Status.ACTIVE,
    )
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    return Subscriber.objects.filter(Exists(active)).exclude(Exists(suppressed)).order_by("pk")


@dataclass(frozen=True)
class SubscriberLink:
    """What a signed link in an email stands for: who it is for and, to confirm, which lists."""

    subscriber: Subscriber | None  # None only where an erased person is allowed (gone_ok)
    lists: list[MailingList]


def subscriber_from_token(*, token: str, purpose: str, gone_ok: bool = False) -> SubscriberLink:
    """Who a link made for ``purpose`` is for; SubscriptionError if it cannot be used:
    ``link_invalid`` (tampered with), ``link_expired`` (older than its purpose allows) or
    ``link_gone`` (the person was erased). With ``gone_ok`` an erased person's link still
    stands, for no one: an erased person is as unsubscribed as can be."""
    payload = read_token(purpose=purpose, token=token)
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None:
        if not gone_ok:
            raise SubscriptionError("link_gone")
        return SubscriberLink(subscriber=None, lists=[])
    lists = list(MailingList.objects.filter(pk__in=payload.get("l", [])))
    return SubscriberLink(subscriber=subscriber, lists=lists)


# Why an address is suppressed, for other apps that add one (privacy erasure).
SuppressionReason = Suppression.Reason


def subscriber_by_email(*, email: str) -> Subscriber | None:
    """The subscriber with this address in any letter case, or None."""
    return Subscriber.objects.filter(email__iexact=email).first()


def public_lists() -> QuerySet[MailingList]:
    """The lists anyone can join from the website."""
    return MailingList.objects.filter(is_public=True)


def lists_offered_to(*, current: list[MailingList]) -> list[MailingList]:
    """The lists on a person's preferences page: the public ones, plus any staff-only list
    they are on (``current``: their active or pending lists), so they can leave it."""
    return sorted({*public_lists(), *current}, key=lambda m: (m.order, m.name))


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


def subscription_statuses(*, subscriber: Subscriber, lists: list[MailingList]) -> dict[int, str]:
    """By list id, the status of the person's subscription to each of these lists they are on."""
    return dict(
        subscriber.subscriptions.filter(mailing_list__in=lists).values_list(
            "mailing_list_id", "status"
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


def unsubscribes_since(*, since: datetime) -> int:
    """Subscriptions ended by their subscriber since a moment, e.g. the last send."""
    return Subscription.objects.filter(
        status=Subscription.Status.UNSUBSCRIBED, status_changed_at__gte=since
    ).count()


@dataclass(frozen=True)
class ListGrowth:
    mailing_list: MailingList
    counts: list[int]  # subscribed at the end of each month, oldest first


def _month_ends(*, months: int, today: date) -> list[datetime]:
    """The end of each of the last ``months`` months, this one (today) last."""
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        ends.append(timezone.make_aware(datetime.combine(date(next_year, next_month, 1), time.min)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(ends))


def list_growth(
    *, months: int = 12, today: date | None = None
) -> tuple[list[date], list[ListGrowth]]:
    """How many people were subscribed to each list at the end of each of the last months.

    One query however many subscribers: each month is a filtered COUNT. A
    subscription counts at a month's end if it was confirmed by then and was still
    active then (it is active now, or it changed status after that month ended).
    """
    ends = _month_ends(months=months, today=today or timezone.localdate())
    active = Subscription.Status.ACTIVE
    annotations = {
        f"m{index}": Count(
            "subscriptions",
            filter=Q(subscriptions__confirmed_at__lt=end)
            & (Q(subscriptions__status=active) | Q(subscriptions__status_changed_at__gte=end)),
        )
        for index, end in enumerate(ends)
    }
    lists = MailingList.objects.annotate(**annotations).order_by("order", "name")
    growth = [
        ListGrowth(mailing_list=ml, counts=[getattr(ml, f"m{i}") for i in range(len(ends))])
        for ml in lists
    ]
    months_shown = [
        (timezone.localtime(end) - timedelta(days=1)).date().replace(day=1) for end in ends
    ]
    return months_shown, growth


# Links and headers for every email a subscriber gets


def subscriber_links(*, subscriber: Subscriber) -> dict:
    """Absolute unsubscribe, preferences and RFC 8058 one-click URLs for one subscriber."""
    unsubscribe = make_token(purpose="unsubscribe", subscriber_id=subscriber.pk)
    preferences = make_token(purpose="preferences", subscriber_id=subscriber.pk)
    return {
        "unsubscribe_url": _absolute("subscriptions:unsubscribe_link", unsubscribe),
        "one_click_url": _absolute("subscriptions:one_click", unsubscribe),
        "preferences_url": _absolute("subscriptions:preferences", preferences),
    }


def confirm_link(*, subscriber: Subscriber, lists: list[MailingList]) -> str:
    """The absolute link that confirms these pending subscriptions."""
    token = make_token(
        purpose="confirm", subscriber_id=subscriber.pk, list_ids=[m.pk for m in lists]
    )
    return _absolute("subscriptions:confirm", token)


def list_unsubscribe_headers(*, one_click_url: str) -> dict[str, str]:
    """The List-Unsubscribe and List-Unsubscribe-Post headers (RFC 2369, RFC 8058) for the
    one-click link of ``subscriber_links``, which the caller has already built."""
    return {
        "List-Unsubscribe": f"<{one_click_url}>, <mailto:{settings.REPLY_TO_EMAIL}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _absolute(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})
