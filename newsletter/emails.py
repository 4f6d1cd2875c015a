"""The email version of an issue: rendered once per issue, personalised cheaply per recipient.

``issue_email_render`` does all the template work and leaves placeholders for
each recipient's links; ``issue_email_personalise`` only replaces strings, so
it stays cheap for tens of thousands of recipients.
"""

import re
from dataclasses import replace

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from dscp.emails import RenderedEmail, render_email
from newsletter import selectors
from newsletter.models import Issue

UNSUBSCRIBE_PLACEHOLDER = "%%DSCP_UNSUBSCRIBE_URL%%"
PREFERENCES_PLACEHOLDER = "%%DSCP_PREFERENCES_URL%%"

_RELATIVE_URL = re.compile(r'(\s(?:href|src))="/(?!/)')


def absolute_urls(html: str) -> str:
    """Turn site-relative links and images into absolute ones, as email clients need."""
    return _RELATIVE_URL.sub(lambda m: f'{m[1]}="{settings.SITE_URL}/', html)


def issue_email_render(*, issue: Issue) -> RenderedEmail:
    """Subject, inlined HTML and plain text of an issue, with per-recipient placeholders."""
    articles = selectors.issue_articles(issue=issue)
    rendered = render_email(
        "newsletter/emails/issue",
        {
            "issue": issue,
            "sections": selectors.issue_sections(articles=articles),
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
            "preferences_url": PREFERENCES_PLACEHOLDER,
        },
    )
    return replace(
        rendered,
        html=absolute_urls(rendered.html),
        # Template tags leave runs of blank lines; a reader sees one at most.
        text=re.sub(r"\n{3,}", "\n\n", rendered.text),
        headers={
            "List-Unsubscribe": f"<{UNSUBSCRIBE_PLACEHOLDER}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def issue_email_personalise(
    rendered: RenderedEmail, *, unsubscribe_url: str, preferences_url: str
) -> RenderedEmail:
    """Fill one recipient's unsubscribe and preferences links into a rendered issue."""
    html_unsubscribe, html_preferences = escape(unsubscribe_url), escape(preferences_url)
    return RenderedEmail(
        subject=rendered.subject,
        text=rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
            PREFERENCES_PLACEHOLDER, preferences_url
        ),
        html=rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, html_unsubscribe).replace(
            PREFERENCES_PLACEHOLDER, html_preferences
        ),
        headers={
            name: value.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
                PREFERENCES_PLACEHOLDER, preferences_url
            )
            for name, value in rendered.headers.items()
        },
    )


def issue_email_sample(*, issue: Issue) -> RenderedEmail:
    """The issue as it would be emailed, for staff previews and tests: no subscriber's
    links, so its unsubscribe and preferences links go to the unsubscribe form."""
    form = settings.SITE_URL + reverse("subscriptions:unsubscribe")
    return issue_email_personalise(
        issue_email_render(issue=issue), unsubscribe_url=form, preferences_url=form
    )


def latest_issue_contents() -> dict:
    """The latest issue, its "In this issue" list and the archive's address, for another
    app's email (a new subscriber's welcome); empty while no issue is published."""
    issue = selectors.latest_issue()
    if issue is None:
        return {}
    return {
        "issue": issue,
        "sections": selectors.issue_sections(articles=selectors.issue_articles(issue=issue)),
        "archive_url": settings.SITE_URL + reverse("newsletter:issue_list"),
    }
