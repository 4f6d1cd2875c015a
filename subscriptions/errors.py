"""The one error type of the subscriptions app, with every message people may see."""

from dscp.errors import DomainError

MESSAGES = {
    "link_invalid": "This link is not complete or has been changed. "
    "Copy the whole link from the email, or start again.",
    "link_expired": "This link has expired. Links to confirm a subscription last 7 days "
    "and links to your preferences last 6 months. Start again to get a new one.",
    "link_gone": "This link no longer works because the details it was for have been removed.",
    "no_lists": "Choose at least one list",
    "bad_reason": "Choose a reason for suppressing the address",
    "csv_unreadable": "The file must be a CSV file saved as UTF-8, with a header row",
    "csv_no_email_column": "The first row of the file must name an ‘email’ column",
    "csv_too_many_rows": "The file has more than 10,000 rows. Split it into smaller files",
    "busy": "This subscription is being changed by another request right now. "
    "Wait a moment and try again.",
}


class SubscriptionError(DomainError):
    """A subscription rule said no; ``message`` is plain English for the person affected."""

    messages = MESSAGES
