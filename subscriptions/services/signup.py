"""Signing up from the web form and confirming by the emailed link."""

from django.db import transaction
from django.utils import timezone

from dscp import dispatch
from dscp.addresses import normalise_email
from dscp.locking import bounded_lock_wait
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, MailingList, Subscriber, Subscription, Suppression
from subscriptions.selectors import public_lists
from subscriptions.services.shared import (
    record_consent,
    set_status,
    subscriber_for,
    subscription_for,
)

Status = Subscription.Status
Action = ConsentRecord.Action
Method = ConsentRecord.Method


def subscription_request(
    *, email: str, lists: list[MailingList], name: str = "", organisation: str = ""
) -> None:
    """Check a sign-up from the web form and queue it; the worker records it and emails.

    The web request does the same work for every address (check, then queue),
    so neither the page nor its timing shows whether the address is on file.
    """
    if not lists:
        raise SubscriptionError("no_lists")
    email = normalise_email(email)
    list_ids = [m.pk for m in lists]
    dispatch.enqueue(
        "subscriptions.tasks.subscription_record_request",
        email=email,
        list_ids=list_ids,
        name=name,
        organisation=organisation,
    )


def subscription_record_request(
    *, email: str, lists: list[MailingList], name: str = "", organisation: str = ""
) -> None:
    """Record a sign-up and email the address, whatever it already is.

    New and lapsed subscriptions wait for confirmation; someone already on every
    list chosen gets an email saying so instead. Name and organisation are only
    taken for a new subscriber: an unauthenticated form must not change what an
    existing subscriber told us. Only public lists can be joined this way: a
    staff-only list in the request (a tampered form) is ignored.
    """
    if not lists:
        raise SubscriptionError("no_lists")
    lists = list(public_lists().filter(pk__in=[m.pk for m in lists]))
    if not lists:
        return
    email = normalise_email(email)
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        subscriber = subscriber_for(email=email, name=name, organisation=organisation)
        now = timezone.now()
        requested = []
        for mailing_list in lists:
            subscription = subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status == Status.ACTIVE:
                continue
            set_status(subscription, Status.PENDING, now=now)
            record_consent(
                subscriber, mailing_list, Action.REQUESTED, Method.WEB_FORM, statement=True
            )
            requested.append(mailing_list.pk)
        if requested:
            dispatch.enqueue(
                "subscriptions.tasks.subscriber_send_confirmation",
                subscriber_id=subscriber.pk,
                list_ids=requested,
            )
        else:
            dispatch.enqueue(
                "subscriptions.tasks.subscriber_send_already_subscribed",
                subscriber_id=subscriber.pk,
            )


def subscription_confirm(
    *, subscriber: Subscriber, lists: list[MailingList], method: str = Method.EMAIL_LINK
) -> list[MailingList]:
    """Make the pending subscriptions among ``lists`` active; returns the lists confirmed.

    Confirming is a fresh opt-in, so it also lifts any suppression of the address.
    """
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        # Only a person's first confirmed list brings the welcome, never a later one.
        newcomer = not subscriber.subscriptions.filter(status=Status.ACTIVE).exists()
        pending = list(
            subscriber.subscriptions.select_for_update(of=("self",))
            .filter(mailing_list__in=lists, status=Status.PENDING)
            .select_related("mailing_list")
        )
        now = timezone.now()
        for subscription in pending:
            set_status(subscription, Status.ACTIVE, now=now)
            record_consent(
                subscriber, subscription.mailing_list, Action.CONFIRMED, method, statement=True
            )
        if pending:
            Suppression.objects.filter(email_hash=subscriber.email_hash).delete()
            if newcomer:
                dispatch.enqueue(
                    "subscriptions.tasks.subscriber_send_welcome", subscriber_id=subscriber.pk
                )
        return [s.mailing_list for s in pending]


def subscription_resend_confirmation(*, subscriber: Subscriber) -> bool:
    """Send a new confirmation link for the pending subscriptions; False if there are none.

    The 7-day clock restarts, so the new link is not deleted before it expires.
    """
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        # The person, then their subscriptions: the order every service here locks them in.
        Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        pending = list(
            subscriber.subscriptions.select_for_update(of=("self",))
            .filter(status=Status.PENDING)
            .select_related("mailing_list")
        )
        if not pending:
            return False
        Subscription.objects.filter(pk__in=[s.pk for s in pending]).update(
            status_changed_at=timezone.now()
        )
        list_ids = [s.mailing_list_id for s in pending]
        dispatch.enqueue(
            "subscriptions.tasks.subscriber_send_confirmation",
            subscriber_id=subscriber.pk,
            list_ids=list_ids,
        )
        return True
