"""The suppression list, and housekeeping of sign-ups never confirmed."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from dscp.addresses import email_hash
from dscp.locking import bounded_lock_wait
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, Subscriber, Subscription, Suppression
from subscriptions.services.shared import (
    record_consent,
    set_status,
)

Status = Subscription.Status
Action = ConsentRecord.Action
Method = ConsentRecord.Method


PENDING_DAYS = 7


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
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
        suppression, _ = Suppression.objects.get_or_create(
            email_hash=digest, defaults={"reason": reason}
        )
        subscriber = Subscriber.objects.select_for_update().filter(email_hash=digest).first()
        if subscriber is not None:
            current = subscriber.subscriptions.select_for_update(of=("self",)).filter(
                status__in=[Status.ACTIVE, Status.PENDING]
            )
            now = timezone.now()
            for subscription in current.select_related("mailing_list"):
                set_status(subscription, status, now=now)
                record_consent(
                    subscriber,
                    subscription.mailing_list,
                    action,
                    method,
                    note=Suppression.Reason(reason).label,
                    recorded_by=recorded_by,
                )
        return suppression


def subscription_purge_unconfirmed(*, now: datetime | None = None) -> tuple[int, int]:
    """Delete sign-ups unconfirmed after 7 days, and people left with nothing else.

    A subscriber is deleted with their records only when no subscription is
    left and they never gave or withdrew consent: the privacy notice promises to
    keep the record of an unsubscribe. Returns (subscriptions, subscribers) deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(days=PENDING_DAYS)
    with transaction.atomic():
        stale = Subscription.objects.filter(status=Status.PENDING, status_changed_at__lt=cutoff)
        subscriber_ids = set(stale.values_list("subscriber_id", flat=True))
        # The people before their subscriptions, in one order, as every service here locks
        # them: deleting the subscriptions first could cross someone confirming at once.
        list(Subscriber.objects.select_for_update().filter(pk__in=subscriber_ids).order_by("pk"))
        subscriptions, _ = stale.delete()
        orphans = (
            Subscriber.objects.filter(pk__in=subscriber_ids, subscriptions__isnull=True)
            .exclude(
                consent_records__action__in=[a for a in Action.values if a != Action.REQUESTED]
            )
            .values_list("pk", flat=True)
        )
        subscribers = (
            Subscriber.objects.filter(pk__in=list(orphans))
            .delete()[1]
            .get(Subscriber._meta.label, 0)
        )
    return subscriptions, subscribers
