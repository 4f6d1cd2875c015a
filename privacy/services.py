"""A person's data rights, across every app: one erasure by email address (the export,
a read, is ``privacy.selectors.person_data_export``).

The preferences page, ``manage.py person_data`` and staff all go through here,
so what is exported and what is erased never drift apart.
"""

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Q

from audit.services import AuditAction, audit_record
from evaluations import services as evaluation_services
from subscriptions import selectors as subscription_selectors
from subscriptions import services as subscription_services
from training import services as training_services

ERASED = "[erased]"


def person_data_erase(*, email: str, by=None) -> dict[str, int]:
    """Erase the person everywhere; keep only what figures need, anonymised, and the
    suppression hash that stops the address being mailed again. Returns counts."""
    with transaction.atomic():
        subscriber = subscription_selectors.subscriber_by_email(email=email)
        if subscriber:
            subscription_services.subscriber_erase(subscriber=subscriber)
        else:
            subscription_services.suppression_add(
                email=email, reason=subscription_selectors.SuppressionReason.ERASED
            )
        booking_ids = training_services.booking_erase_for_email(email=email)
        certificates = evaluation_services.evaluation_erase_for_bookings(booking_ids=booking_ids)
        # Admin's history names objects by their __str__, which is the address for a subscriber.
        log_entries = LogEntry.objects.filter(
            Q(object_repr__icontains=email) | Q(change_message__icontains=email)
        ).update(object_repr=ERASED, change_message="")
        counts = {
            "subscriber": int(subscriber is not None),
            "bookings": len(booking_ids),
            "certificates": certificates,
            "admin_log_entries": log_entries,
        }
        audit_record(
            actor=by,
            action=AuditAction.ERASED,
            subject="A person's data: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
            count=1,
        )
    return counts
