"""Email addresses: one normal form for storing and matching, and a one-way hash of it (toolkit)."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.crypto import salted_hmac

MAX_LENGTH = 254  # RFC 5321's limit on a forward path
_validate = EmailValidator()
# Characters that would let an address carry a second header or a display name.
_FORBIDDEN = set('<>"(),;:[]\\\r\n\t\x00\x0b\x0c\x85\u2028\u2029')


def normalise_email(value: str) -> str:
    """Return the address in the one form we store and compare, or raise ValidationError.

    Surrounding spaces are dropped and the whole address is lower-cased: the
    partnership's mail goes to organisational systems that ignore case in the
    part before the @, and treating ``Sam@`` and ``sam@`` as two people would
    let one of them stay subscribed after unsubscribing. Display names
    ("Sam <sam@example.org>"), line breaks and other header syntax are refused
    rather than cleaned up, so nothing a person typed can reach a header.
    """
    if not isinstance(value, str):
        raise ValidationError("Enter an email address", code="required")
    address = value.strip()
    if not address:
        raise ValidationError("Enter an email address", code="required")
    if any(ch in _FORBIDDEN for ch in address) or any(ch.isspace() for ch in address):
        raise ValidationError(
            "Enter the email address on its own, like name@example.org, "
            "without a name, spaces or line breaks",
            code="junk",
        )
    if len(address) > MAX_LENGTH:
        raise ValidationError(
            f"Email address must be {MAX_LENGTH} characters or fewer", code="too_long"
        )
    local, _, domain = address.rpartition("@")
    try:
        # One spelling for an international domain: its ASCII (punycode) form.
        address = f"{local}@{domain.encode('idna').decode('ascii')}".lower()
        if len(address) > MAX_LENGTH:
            raise ValidationError("too long after encoding the domain")
        _validate(address)
    except (UnicodeError, ValidationError):
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.org",
            code="invalid",
        ) from None
    return address


def email_hash(email: str) -> str:
    """HMAC-SHA256 of the normalised address: matches it later without keeping it readable."""
    return salted_hmac(
        "subscriptions.suppression", normalise_email(email), algorithm="sha256"
    ).hexdigest()
