"""What the subscription use-cases share: the subscriber and subscription for an address,
status changes and consent records; each runs inside its caller's transaction."""

from datetime import datetime

from django.utils import timezone

from dscp.addresses import email_hash
from subscriptions import consent
from subscriptions.models import ConsentRecord, MailingList, Subscriber, Subscription

Status = Subscription.Status


def subscriber_for(*, email: str, name: str, organisation: str) -> Subscriber:
    """The subscriber with this normalised address, created if new, locked for the transaction."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
        email=email,
        defaults={
            "email_hash": email_hash(email),
            "name": name.strip()[: Subscriber.NAME_MAX],
            "organisation": organisation.strip()[: Subscriber.ORGANISATION_MAX],
        },
    )
    return subscriber


def subscription_for(*, subscriber: Subscriber, mailing_list: MailingList) -> Subscription:
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        subscriber=subscriber,
        mailing_list=mailing_list,
        defaults={"status": Status.PENDING, "status_changed_at": timezone.now()},
    )
    return subscription


def set_status(subscription: Subscription, status: str, *, now: datetime) -> None:
    subscription.status = status
    subscription.status_changed_at = now
    if status == Status.ACTIVE:
        subscription.confirmed_at = now
    subscription.save(update_fields=["status", "status_changed_at", "confirmed_at"])


def record_consent(
    subscriber: Subscriber,
    mailing_list: MailingList,
    action: str,
    method: str,
    *,
    statement: bool = False,
    note: str = "",
    recorded_by: str = "",
) -> None:
    ConsentRecord.objects.create(
        subscriber=subscriber,
        mailing_list=mailing_list,
        action=action,
        method=method,
        statement_version=consent.CURRENT.version if statement else "",
        statement_text=consent.CURRENT.text if statement else "",
        note=note,
        recorded_by=recorded_by,
    )
