"""A person's data, read across every app for their download: the other half of
``privacy.services``, which erases the same data, so the two never drift apart."""

from evaluations import selectors as evaluation_selectors
from subscriptions import selectors as subscription_selectors
from training import selectors as training_selectors


def person_data_export(*, email: str) -> dict:
    """Everything held about the person with this address, as a JSON-ready dict."""
    subscriber = subscription_selectors.subscriber_by_email(email=email)
    data = (
        subscription_selectors.subscriber_data(subscriber=subscriber)
        if subscriber
        else {"email": email}
    )
    bookings = training_selectors.booking_data_for_email(email=email)
    booking_ids = training_selectors.booking_ids_for_email(email=email)
    return {
        **data,
        "bookings": bookings,
        "feedback": evaluation_selectors.evaluation_data_for_bookings(booking_ids=booking_ids),
    }
