"""Signed links in emails: what each one may do, and for how long."""

from datetime import timedelta

from django.core import signing

from subscriptions.errors import SubscriptionError

# Confirming must happen within the 7 days an unconfirmed sign-up is kept.
CONFIRM_MAX_AGE = timedelta(days=7)
# The preferences page shows and erases personal data, so an old forwarded
# email should not open it for ever.
PREFERENCES_MAX_AGE = timedelta(days=183)
# Unsubscribe links never expire: mail providers and people use them from
# emails of any age, and all they can do is stop mail.
UNSUBSCRIBE_MAX_AGE = None

_MAX_AGES = {
    "confirm": CONFIRM_MAX_AGE,
    "preferences": PREFERENCES_MAX_AGE,
    "unsubscribe": UNSUBSCRIBE_MAX_AGE,
}


def make_token(*, purpose: str, subscriber_id: int, list_ids: list[int] | None = None) -> str:
    """A URL-safe, signed, timestamped token that only works for ``purpose``."""
    payload = {"s": subscriber_id}
    if list_ids is not None:
        payload["l"] = sorted(list_ids)
    return signing.dumps(payload, salt=_salt(purpose))


def read_token(*, purpose: str, token: str) -> dict:
    """The payload of a token made for ``purpose``; SubscriptionError if tampered or too old."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=_MAX_AGES[purpose])
    except signing.SignatureExpired:
        raise SubscriptionError("link_expired") from None
    except signing.BadSignature:
        raise SubscriptionError("link_invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise SubscriptionError("link_invalid")
    return payload


def _salt(purpose: str) -> str:
    if purpose not in _MAX_AGES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return f"subscriptions.{purpose}"
