"""The evaluations app's one error type, with every plain-English message in one place."""

from django.conf import settings

from dscp.errors import DomainError

MESSAGES = {
    "link_invalid": "This link is not complete or has been changed. Copy the whole link from "
    "your email into your browser, or email {training_email} for a new one.",
    "link_expired": "This feedback link has expired: links work for 60 days after the session. "
    "Email {training_email} if you still want to give feedback.",
    "already_answered": "You have already given feedback on this session, so it cannot be sent "
    "again. Thank you.",
    "already_answered_browser": "Feedback has already been sent from this browser for this "
    "event. Thank you.",
    "form_closed": "This evaluation form is closed.",
    "not_happened": "This form opens on {opens}, when the training takes place.",
    "not_attended": "The register does not show you at this session, so there is no "
    "feedback form or certificate for you. If that is wrong, email {training_email}.",
    "needs_feedback": "Give your feedback on the session first; your certificate is ready "
    "as soon as you have sent it.",
    "score_out_of_range": "{label} must be a whole number from {low} to {high}.",
    "answer_missing": "Answer “{label}”.",
    "choice_invalid": "Choose one of the options for “{label}”.",
    "answer_too_long": "“{label}” must be {limit} characters or fewer.",
    "code_unknown": "We cannot find a certificate with that code. Check it against the "
    "certificate: it looks like DSCP-7K3M-Q9XD.",
}
# A link we signed for an invitation that is gone (its booking deleted under the retention
# rule) reads as a broken one: its page says nothing of whom it was for.
MESSAGES["link_unknown"] = MESSAGES["link_invalid"]


class EvaluationError(DomainError):
    """An evaluation rule said no; ``field`` names the form field the message belongs next to."""

    messages = MESSAGES

    def __init__(self, code: str, *, field: str = "", **params):
        self.field = field
        super().__init__(code, **params)

    @classmethod
    def message_defaults(cls) -> dict:
        return {"training_email": settings.PARTNERSHIP["training_email"]}
