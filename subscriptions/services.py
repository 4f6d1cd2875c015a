"""Writes: signing up, confirming, changing preferences, leaving, erasure, suppression, import.

Every change to a subscription appends a consent record in the same
transaction, so the evidence can never disagree with the state.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dscp import dispatch
from dscp.addresses import email_hash, normalise_email
from dscp.validators import has_control_characters
from subscriptions import consent, imports
from subscriptions.errors import SubscriptionError
from subscriptions.models import (
    ConsentRecord,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
)
from subscriptions.selectors import public_lists

Status = Subscription.Status
Action = ConsentRecord.Action
Method = ConsentRecord.Method

PENDING_DAYS = 7


# Signing up and confirming


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
    with transaction.atomic():
        subscriber = _subscriber_for(email=email, name=name, organisation=organisation)
        now = timezone.now()
        requested = []
        for mailing_list in lists:
            subscription = _subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status == Status.ACTIVE:
                continue
            _set_status(subscription, Status.PENDING, now=now)
            _record(subscriber, mailing_list, Action.REQUESTED, Method.WEB_FORM, statement=True)
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
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        pending = list(
            subscriber.subscriptions.select_for_update()
            .filter(mailing_list__in=lists, status=Status.PENDING)
            .select_related("mailing_list")
        )
        now = timezone.now()
        for subscription in pending:
            _set_status(subscription, Status.ACTIVE, now=now)
            _record(subscriber, subscription.mailing_list, Action.CONFIRMED, method, statement=True)
        if pending:
            Suppression.objects.filter(email_hash=subscriber.email_hash).delete()
        return [s.mailing_list for s in pending]


def subscription_resend_confirmation(*, subscriber: Subscriber) -> bool:
    """Send a new confirmation link for the pending subscriptions; False if there are none.

    The 7-day clock restarts, so the new link is not deleted before it expires.
    """
    with transaction.atomic():
        pending = list(
            subscriber.subscriptions.select_for_update()
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


# Preferences, leaving and erasure


def subscriber_update_preferences(
    *, subscriber: Subscriber, name: str, organisation: str, lists: list[MailingList]
) -> None:
    """Save name and organisation, join the ``lists`` ticked and leave the others.

    The person proved the address is theirs by opening the signed link, so a
    list ticked here is active at once, with the statement recorded as consent.
    """
    chosen = {m.pk for m in lists}
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.name = name[: Subscriber.NAME_MAX]
        subscriber.organisation = organisation[: Subscriber.ORGANISATION_MAX]
        subscriber.save(update_fields=["name", "organisation", "updated_at"])
        now = timezone.now()
        for mailing_list in lists:
            subscription = _subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status != Status.ACTIVE:
                _set_status(subscription, Status.ACTIVE, now=now)
                _record(
                    subscriber, mailing_list, Action.CONFIRMED, Method.PREFERENCES, statement=True
                )
        leaving = subscriber.subscriptions.select_for_update().filter(
            status__in=[Status.ACTIVE, Status.PENDING]
        )
        for subscription in leaving.exclude(mailing_list__in=chosen).select_related("mailing_list"):
            _set_status(subscription, Status.UNSUBSCRIBED, now=now)
            _record(subscriber, subscription.mailing_list, Action.WITHDRAWN, Method.PREFERENCES)
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
    with transaction.atomic():
        current = subscriber.subscriptions.select_for_update().filter(
            status__in=[Status.ACTIVE, Status.PENDING]
        )
        if lists is not None:
            current = current.filter(mailing_list__in=lists)
        current = list(current.select_related("mailing_list"))
        now = timezone.now()
        for subscription in current:
            _set_status(subscription, Status.UNSUBSCRIBED, now=now)
            _record(
                subscriber,
                subscription.mailing_list,
                Action.WITHDRAWN,
                method,
                recorded_by=recorded_by,
            )
        return len(current)


def unsubscribe_request(*, email: str) -> None:
    """Email the address a link to unsubscribe, or a note that it is not on any list.

    The web request does the same work for every address (it only queues the
    email), so neither the page nor its timing shows whether we know it.
    """
    email = normalise_email(email)
    dispatch.enqueue("subscriptions.tasks.subscriber_send_unsubscribe_link", email=email)


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete the person's details, subscriptions and records, keeping only a suppression hash."""
    with transaction.atomic():
        Suppression.objects.get_or_create(
            email_hash=subscriber.email_hash, defaults={"reason": Suppression.Reason.ERASED}
        )
        subscriber.delete()


# Suppression


_STATUS_FOR_REASON = {
    Suppression.Reason.BOUNCED: (Status.BOUNCED, Action.BOUNCED, Method.SYSTEM),
    Suppression.Reason.COMPLAINED: (Status.COMPLAINED, Action.COMPLAINED, Method.SYSTEM),
    Suppression.Reason.STAFF: (Status.UNSUBSCRIBED, Action.WITHDRAWN, Method.ADMIN),
    Suppression.Reason.ERASED: (Status.UNSUBSCRIBED, Action.WITHDRAWN, Method.SYSTEM),
}


def suppression_add(*, email: str, reason: str, recorded_by: str = "") -> Suppression:
    """Never mail this address again until it opts in afresh (e.g. after a permanent bounce).

    Any subscriptions of the address end too, with a consent record saying why.
    Adding an address twice keeps the first reason.
    """
    if reason not in Suppression.Reason.values:
        raise SubscriptionError("bad_reason")
    digest = email_hash(email)
    status, action, method = _STATUS_FOR_REASON[Suppression.Reason(reason)]
    with transaction.atomic():
        suppression, _ = Suppression.objects.get_or_create(
            email_hash=digest, defaults={"reason": reason}
        )
        subscriber = Subscriber.objects.select_for_update().filter(email_hash=digest).first()
        if subscriber is not None:
            current = subscriber.subscriptions.select_for_update().filter(
                status__in=[Status.ACTIVE, Status.PENDING]
            )
            now = timezone.now()
            for subscription in current.select_related("mailing_list"):
                _set_status(subscription, status, now=now)
                _record(
                    subscriber,
                    subscription.mailing_list,
                    action,
                    method,
                    note=Suppression.Reason(reason).label,
                    recorded_by=recorded_by,
                )
        return suppression


# Housekeeping


def subscription_purge_unconfirmed(*, now=None) -> tuple[int, int]:
    """Delete sign-ups unconfirmed after 7 days, and people left with nothing else.

    A subscriber is deleted with their records only when no subscription is
    left and they never gave or withdrew consent: the privacy notice promises to
    keep the record of an unsubscribe. Returns (subscriptions, subscribers) deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(days=PENDING_DAYS)
    with transaction.atomic():
        stale = Subscription.objects.filter(status=Status.PENDING, status_changed_at__lt=cutoff)
        subscriber_ids = set(stale.values_list("subscriber_id", flat=True))
        subscriptions, _ = stale.delete()
        orphans = (
            Subscriber.objects.filter(pk__in=subscriber_ids, subscriptions__isnull=True)
            .exclude(consent_records__action__in=[a for a in Action.values if a != "requested"])
            .values_list("pk", flat=True)
        )
        subscribers = (
            Subscriber.objects.filter(pk__in=list(orphans))
            .delete()[1]
            .get(Subscriber._meta.label, 0)
        )
    return subscriptions, subscribers


# Import


def subscriber_import(
    *, mailing_list: MailingList, csv_text: str, lawful_basis: str, recorded_by: str
) -> imports.ImportReport:
    """Add the people in a CSV (email, name, organisation) to a list as active subscribers.

    Every row is checked; bad addresses, suppressed addresses, repeats and
    people who left the list before are skipped with a reason. The whole file is
    one transaction, so a failure part-way imports nothing.
    """
    rows = imports.subscriber_rows(csv_text)
    report = imports.ImportReport()
    seen: set[str] = set()
    now = timezone.now()
    with transaction.atomic():
        suppressed = set(Suppression.objects.values_list("email_hash", flat=True))
        for number, raw in rows:
            typed = (raw.get("email") or "").strip()
            row = imports.ImportRow(number=number, email=typed[:254], imported=False)
            report.rows.append(row)
            try:
                email = normalise_email(typed)
            except ValidationError as error:
                row.reason = f"bad address: {error.messages[0]}"
                continue
            name = (raw.get("name") or "").strip()
            organisation = (raw.get("organisation") or "").strip()
            if len(name) > Subscriber.NAME_MAX or len(organisation) > Subscriber.ORGANISATION_MAX:
                row.reason = (
                    f"bad row: name must be {Subscriber.NAME_MAX} characters or fewer and "
                    f"organisation {Subscriber.ORGANISATION_MAX} or fewer"
                )
                continue
            if has_control_characters(name) or has_control_characters(organisation):
                row.reason = "bad row: name and organisation must not hold line breaks or tabs"
                continue
            if email in seen:
                row.reason = "duplicate: the address is on an earlier row"
                continue
            seen.add(email)
            if email_hash(email) in suppressed:
                row.reason = "suppressed: the address must not be mailed without a fresh opt-in"
                continue
            subscriber = _subscriber_for(email=email, name=name, organisation=organisation)
            subscription = _subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status == Status.ACTIVE:
                row.reason = "duplicate: already subscribed to this list"
                continue
            if subscription.status in (Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED):
                row.reason = (
                    f"previously {subscription.get_status_display().lower()}: "
                    "only the person can subscribe again"
                )
                continue
            _set_status(subscription, Status.ACTIVE, now=now)
            _record(
                subscriber,
                mailing_list,
                Action.CONFIRMED,
                Method.IMPORT,
                note=lawful_basis,
                recorded_by=recorded_by,
            )
            row.imported = True
    return report


# Shared steps


def _subscriber_for(*, email: str, name: str, organisation: str) -> Subscriber:
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


def _subscription_for(*, subscriber: Subscriber, mailing_list: MailingList) -> Subscription:
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        subscriber=subscriber,
        mailing_list=mailing_list,
        defaults={"status": Status.PENDING, "status_changed_at": timezone.now()},
    )
    return subscription


def _set_status(subscription: Subscription, status: str, *, now) -> None:
    subscription.status = status
    subscription.status_changed_at = now
    if status == Status.ACTIVE:
        subscription.confirmed_at = now
    subscription.save(update_fields=["status", "status_changed_at", "confirmed_at"])


def _record(
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
