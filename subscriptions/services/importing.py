"""Importing subscribers from a CSV file in admin."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import AuditAction, audit_record
from dscp.addresses import email_hash, normalise_email
from dscp.locking import bounded_lock_wait
from dscp.validators import has_control_characters
from subscriptions import imports
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, MailingList, Subscriber, Subscription, Suppression
from subscriptions.services.shared import (
    record_consent,
    set_status,
    subscriber_for,
    subscription_for,
)

Status = Subscription.Status
Action = ConsentRecord.Action
Method = ConsentRecord.Method


def subscriber_import(
    *,
    mailing_list: MailingList,
    csv_text: str,
    lawful_basis: str,
    recorded_by: str,
    by: AbstractBaseUser | None = None,
) -> imports.ImportReport:
    """Add the people in a CSV (email, name, organisation) to a list as active subscribers.

    Every row is checked; bad addresses, suppressed addresses, repeats and
    people who left the list before are skipped with a reason. The whole file is
    one transaction, so a failure part-way imports nothing, and the audit entry for
    staff member ``by`` is written with it (the demo loader imports with no one).
    """
    rows = imports.subscriber_rows(csv_text)
    report = imports.ImportReport()
    seen: set[str] = set()
    now = timezone.now()
    with transaction.atomic(), bounded_lock_wait(SubscriptionError):
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
            subscriber = subscriber_for(email=email, name=name, organisation=organisation)
            subscription = subscription_for(subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status == Status.ACTIVE:
                row.reason = "duplicate: already subscribed to this list"
                continue
            if subscription.status in (Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED):
                row.reason = (
                    f"previously {subscription.get_status_display().lower()}: "
                    "only the person can subscribe again"
                )
                continue
            set_status(subscription, Status.ACTIVE, now=now)
            record_consent(
                subscriber,
                mailing_list,
                Action.CONFIRMED,
                Method.IMPORT,
                note=lawful_basis,
                recorded_by=recorded_by,
            )
            row.imported = True
        if by is not None:
            audit_record(
                actor=by,
                action=AuditAction.IMPORTED,
                subject=f"Mailing list “{mailing_list.name}”",
                count=len(report.imported),
            )
    return report
