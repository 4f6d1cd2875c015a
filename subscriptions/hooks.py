"""What subscriptions asks of the apps above it (see ``dscp.hooks``).

The newsletter that subscribers receive and the data rights that cover every app
both build on subscriptions, so they answer these; subscriptions never names them.
"""

from dscp.hooks import Hook

# The latest issue for a new subscriber's welcome email, as template context
# (issue, sections, archive_url); empty while there is none.
welcome_issue = Hook("subscriptions.welcome_issue", default={})
