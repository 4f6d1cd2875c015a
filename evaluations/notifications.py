"""The emails the evaluations app sends; rendering is separate from the services."""

from django.conf import settings
from django.urls import reverse

from dscp.emails import send_email
from evaluations.models import Invitation
from evaluations.tokens import feedback_token


def feedback_url(invitation: Invitation) -> str:
    token = feedback_token(invitation_id=invitation.pk)
    return settings.SITE_URL + reverse("evaluations:feedback", kwargs={"token": token})


def invitation_send(*, invitation: Invitation) -> None:
    """Ask a person who attended for feedback, with their personal one-time link."""
    booking = invitation.booking
    send_email(
        "evaluations/emails/invitation",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "feedback_url": feedback_url(invitation),
        },
        to=booking.email,
    )
