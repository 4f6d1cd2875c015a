"""Emails to subscribers about their subscription: confirm, welcome, already subscribed,
unsubscribe link."""

from django.conf import settings
from django.urls import reverse

from dscp.emails import send_email
from subscriptions import hooks
from subscriptions.models import MailingList, Subscriber, Subscription
from subscriptions.selectors import confirm_link, subscriber_links, subscriber_lists
from subscriptions.tokens import CONFIRM_MAX_AGE

Status = Subscription.Status


def subscriber_send_confirmation(*, subscriber: Subscriber, lists: list[MailingList]) -> None:
    """Email the signed link that confirms these pending subscriptions."""
    send_email(
        "subscriptions/emails/confirm",
        {
            "subscriber": subscriber,
            "lists": lists,
            "confirm_url": confirm_link(subscriber=subscriber, lists=lists),
            "days": CONFIRM_MAX_AGE.days,
        },
        to=subscriber.email,
    )


def subscriber_send_welcome(*, subscriber: Subscriber) -> None:
    """Welcome a new subscriber with the latest issue's contents, so they need not wait for the next."""
    send_email(
        "subscriptions/emails/welcome",
        {
            "subscriber": subscriber,
            "lists": subscriber_lists(subscriber=subscriber, statuses=[Status.ACTIVE]),
            **hooks.welcome_issue(),
            **subscriber_links(subscriber=subscriber),
        },
        to=subscriber.email,
    )


def subscriber_send_already_subscribed(*, subscriber: Subscriber) -> None:
    """Tell someone who signed up again that they are already subscribed, with their links."""
    _send_with_links(
        "subscriptions/emails/already_subscribed", subscriber=subscriber, statuses=[Status.ACTIVE]
    )


def subscriber_send_unsubscribe_link(*, email: str, subscriber: Subscriber | None) -> None:
    """Send the unsubscribe email for an address, its ``subscriber`` if we know it;
    unknown addresses are told so."""
    if subscriber is None:
        send_email(
            "subscriptions/emails/not_subscribed",
            {"subscribe_url": settings.SITE_URL + reverse("subscriptions:subscribe")},
            to=email,
        )
        return
    _send_with_links(
        "subscriptions/emails/unsubscribe_link",
        subscriber=subscriber,
        statuses=[Status.ACTIVE, Status.PENDING],
    )


def _send_with_links(template: str, *, subscriber: Subscriber, statuses: list[str]) -> None:
    send_email(
        template,
        {
            "subscriber": subscriber,
            "lists": subscriber_lists(subscriber=subscriber, statuses=statuses),
            **subscriber_links(subscriber=subscriber),
        },
        to=subscriber.email,
    )
