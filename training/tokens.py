"""Signed links in booking emails: what each one may do, and for how long.

The manage link (``Booking.manage_token``) is a random key stored with the booking;
it reaches the person only by email, after they have confirmed their address.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from training.errors import BookingError

_CONFIRM_SALT = "training.booking.confirm"
# A few characters of the manage token travel in the link, so a link stops working
# once the booking's token is replaced (erasure replaces it).
_TOKEN_CHECK_CHARS = 8


def confirm_max_age() -> timedelta:
    """A confirmation link works as long as a place is held for it, and no longer."""
    return timedelta(hours=settings.TRAINING_BOOKING_HOLD_HOURS)


@dataclass(frozen=True)
class ConfirmLink:
    booking_id: int
    token_check: str
    expired: bool


def make_confirm_token(*, booking) -> str:
    """A signed, timestamped token that can only confirm this booking."""
    return signing.dumps(
        {"b": booking.pk, "t": booking.manage_token[:_TOKEN_CHECK_CHARS]}, salt=_CONFIRM_SALT
    )


def read_confirm_token(*, token: str) -> ConfirmLink:
    """What a confirmation link names, and whether it is past its time; BookingError if forged.

    An expired link still names its booking, so its page can say what happened to the
    place and offer a new link rather than a bare refusal.
    """
    try:
        payload = signing.loads(token, salt=_CONFIRM_SALT)
    except signing.BadSignature:
        raise BookingError("link_invalid") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("b"), int)
        or not isinstance(payload.get("t"), str)
    ):
        raise BookingError("link_invalid")
    try:
        signing.loads(token, salt=_CONFIRM_SALT, max_age=confirm_max_age())
        expired = False
    except signing.SignatureExpired:
        expired = True
    return ConfirmLink(booking_id=payload["b"], token_check=payload["t"], expired=expired)


def confirm_link_matches(*, link: ConfirmLink, booking) -> bool:
    return booking.manage_token[:_TOKEN_CHECK_CHARS] == link.token_check
