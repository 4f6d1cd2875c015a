"""Writes, one module per use-case: signing up and confirming (``signup``), preferences,
leaving and erasure (``leaving``), suppression and housekeeping (``suppression``), import
(``importing``); ``shared`` holds what they share.

Every change to a subscription appends a consent record in the same
transaction, so the evidence can never disagree with the state.
"""

from subscriptions.services.importing import subscriber_import
from subscriptions.services.leaving import (
    subscriber_erase,
    subscriber_unsubscribe,
    subscriber_unsubscribe_request,
    subscriber_update_preferences,
)
from subscriptions.services.signup import (
    subscription_confirm,
    subscription_record_request,
    subscription_request,
    subscription_resend_confirmation,
)
from subscriptions.services.suppression import subscription_purge_unconfirmed, suppression_add

__all__ = [
    "subscriber_erase",
    "subscriber_import",
    "subscriber_unsubscribe",
    "subscriber_unsubscribe_request",
    "subscriber_update_preferences",
    "subscription_confirm",
    "subscription_purge_unconfirmed",
    "subscription_record_request",
    "subscription_request",
    "subscription_resend_confirmation",
    "suppression_add",
]
