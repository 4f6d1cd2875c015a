"""Signed links in evaluation emails: what each one may do, and for how long."""

from datetime import timedelta

from django.core import signing

from evaluations.errors import EvaluationError

# Feedback given long after a session says little about it; 60 days leaves
# time for a reminder and a holiday.
FEEDBACK_MAX_AGE = timedelta(days=60)
_SALT = "evaluations.feedback"


def feedback_token(*, invitation_id: int) -> str:
    """The signed token in a person's feedback link; it opens their certificate too."""
    return signing.dumps(invitation_id, salt=_SALT)


def read_feedback_token(token: str, *, max_age: timedelta | None = FEEDBACK_MAX_AGE) -> int:
    """The invitation id in a token; EvaluationError if tampered with or too old.

    The certificate page reads the same link with no age limit: a certificate
    may be needed years later, and all the link shows is the person's own.
    """
    try:
        value = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise EvaluationError("link_expired") from None
    except signing.BadSignature:
        raise EvaluationError("link_invalid") from None
    if not isinstance(value, int):
        raise EvaluationError("link_invalid")
    return value
