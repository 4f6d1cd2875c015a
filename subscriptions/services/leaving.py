"""Changing preferences, unsubscribing (by form, link or one click) and erasure."""

from django.db import transaction
from django.utils import timezone

from dscp import dispatch
from dscp.addresses import normalise_email
from dscp.locking import bounded_lock_wait
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, MailingList, Subscriber, Subscription, Suppression
from subscriptions.services.shared import record_consent, set_status, subscription_for

Status = Subscription.Status
Action = ConsentRecord.Action
Method = ConsentRecord.Method


def subscriber_update_preferences(
    *, subscriber: Subscriber, name: str, organisation: str, lists: list[MailingList]
) -> None:
    """Save name and organisation, join the ``lists`` ticked and leave the others.

    The person proved the address is theirs by opening the signed link, so a
    list ticked here is active at once, with the statement recorded as consent.
    """
    chosen = {m.pk for m in lists}
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.name = name[: Subscriber.NAME_MAX]
        subscriber.organisation = organisation[: Subscriber.ORGANISATION_MAX]
        subscriber.save(update_fields=["name", "organisation", "updated_at"])
        now = timezone.now()
        for mailing_list in lists:
            subscription = subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status != Status.ACTIVE:
                set_status(subscription, Status.ACTIVE, now=now)
                record_consent(
                    subscriber, mailing_list, Action.CONFIRMED, Method.PREFERENCES, statement=True
                )
        leaving = subscriber.subscriptions.select_for_update(of=("self",)).filter(
            status__in=[Status.ACTIVE, Status.PENDING]
        )
        for subscription in leaving.exclude(mailing_list__in=chosen).select_related("mailing_list"):
            set_status(subscription, Status.UNSUBSCRIBED, now=now)
            record_consent(
                subscriber, subscription.mailing_list, Action.WITHDRAWN, Method.PREFERENCES
            )
        if chosen:
            Suppression.objects.filter(email_hash=subscriber.email_hash).delete()


def subscriber_unsubscribe(
    *,
    subscriber: Subscriber,
    method: str,
    lists: list[MailingList] | None = None,
    recorded_by: str = "",
) -> int:
    """Stop all mail (or mail from ``lists``) at once; returns how many subscriptions ended.

    The send pipeline checks each recipient as it claims them, so this also
    stops a send that is already under way.
    """
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        # The person first, then their subscriptions, as every service here locks them: a
        # consent record's key lock on the person would otherwise cross a preferences save.
        Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        # Only the person's own rows: the lists are everyone's, and every consent record
        # takes a share lock on its list, so locking them too deadlocked two people saving
        # at once and queued every unsubscribe behind every other.
        current = subscriber.subscriptions.select_for_update(of=("self",)).filter(
            status__in=[Status.ACTIVE, Status.PENDING]
        )
        if lists is not None:
            current = current.filter(mailing_list__in=lists)
        current = list(current.select_related("mailing_list"))
        now = timezone.now()
        for subscription in current:
            set_status(subscription, Status.UNSUBSCRIBED, now=now)
            record_consent(
                subscriber,
                subscription.mailing_list,
                Action.WITHDRAWN,
                method,
                recorded_by=recorded_by,
            )
        return len(current)


def subscriber_unsubscribe_request(*, email: str) -> None:
    """Email the address a link to unsubscribe, or a note that it is not on any list.

    The web request does the same work for every address (it only queues the
    email), so neither the page nor its timing shows whether we know it.
    """
    email = normalise_email(email)
    dispatch.enqueue("subscriptions.tasks.subscriber_send_unsubscribe_link", email=email)


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete the person's details, subscriptions and records, keeping only a suppression hash."""
    # Deleting locks the rows as select_for_update does, so it waits as boundedly.
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        Suppression.objects.get_or_create(
            email_hash=subscriber.email_hash, defaults={"reason": Suppression.Reason.ERASED}
        )
        # The person before their subscriptions, as everywhere here: the delete would
        # take the subscriptions first.
        Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        subscriber.delete()
