"""What subscriptions asks of the apps above it (see ``dscp.hooks``).

The newsletter that subscribers receive and the data rights that cover every app
both build on subscriptions, so they answer these; subscriptions never names them.
"""

from dscp.hooks import Hook

# The latest issue for a new subscriber's welcome email, as template context
# (issue, sections, archive_url); empty while there is none.
welcome_issue = Hook("subscriptions.welcome_issue", default={})
# Everything held about the person with this ``email``, as a JSON-ready dict.
person_data_export = Hook("subscriptions.person_data_export")
# Erase the person with this ``email`` everywhere (``by`` the staff user, if any).
person_data_erase = Hook("subscriptions.person_data_erase")
