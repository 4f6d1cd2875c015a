import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dscp.emails import build_message
from newsletter.emails import (
    PREFERENCES_PLACEHOLDER,
    UNSUBSCRIBE_PLACEHOLDER,
    issue_email_personalise,
    issue_email_render,
)
from tests.newsletter.factories import (
    ArticleFactory,
    GuidanceLinkFactory,
    IssueFactory,
    ResourceFactory,
    SectionFactory,
)
from tests.priorities.factories import PriorityFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def issue():
    issue = IssueFactory(title="December 2023", slug="december-2023", published=True)
    news, resources = SectionFactory(title="Latest News"), SectionFactory(title="Local Resources")
    ArticleFactory(
        issue=issue,
        section=news,
        title="Safeguarding Week 2023",
        body='<p>Rated 4.65. <a href="/training/">See training</a> or <a href="https://durham-scp.org.uk/">the website</a>.</p>',
        link_url="https://example.org/report",
        link_text="Read the report",
        priority=PriorityFactory(),
    )
    unseen = ArticleFactory(issue=issue, section=resources, title="Unseen Males")
    GuidanceLinkFactory(article=unseen, title="Missing children, missing grades")
    ResourceFactory(article=unseen, title="Unseen Males: Learning from Audits")
    return issue


def test_subject_names_the_issue(issue):
    assert issue_email_render(issue=issue).subject == "DSCP Newsletter: December 2023"


def test_plain_text_contains_every_article_title_and_link(issue):
    text = issue_email_render(issue=issue).text
    for article in issue.articles.all():
        assert article.title in text
        assert SITE + article.get_absolute_url() in text
    assert "Read the report: https://example.org/report" in text
    assert "See training (http://testserver/training/)" in text
    assert "https://guidance.example.org/" in text
    assert "Unseen Males: Learning from Audits" in text
    assert f"View this issue on the website: {SITE}/newsletter/december-2023/" in text
    assert "<p>" not in text and "<a " not in text
    assert "\n\n\n" not in text


def test_lists_typed_in_the_editor_read_as_one_line_per_item_in_the_text_part(issue):
    ArticleFactory(
        issue=issue,
        section=issue.articles.first().section,
        title="What to bring",
        body="<ul><li><p>ID</p></li><li><p>A pen</p><ul><li><p>Blue</p></li></ul></li></ul>",
    )
    text = issue_email_render(issue=issue).text
    assert "\n- ID\n- A pen\n  - Blue\n" in text
    assert not re.search(r"^-\s*$", text, re.M)  # no marker left alone on its line


def test_html_uses_absolute_links_inlined_css_and_no_tracking(issue):
    html = issue_email_render(issue=issue).html
    assert "<style" not in html
    assert 'style="' in html  # the stylesheet was inlined
    assert not re.search(r'(href|src)="/', html)
    assert f'href="{SITE}/training/"' in html
    assert f'href="{SITE}/newsletter/december-2023/"' in html
    assert "View this issue on the website" in html
    assert "<img" not in html  # nothing to track opens with
    assert "<table" in html and 'role="presentation"' in html


def test_personalising_fills_both_links_everywhere(issue):
    rendered = issue_email_render(issue=issue)
    assert UNSUBSCRIBE_PLACEHOLDER in rendered.html and UNSUBSCRIBE_PLACEHOLDER in rendered.text
    unsubscribe = "https://portal.example.org/unsubscribe/abc?list=1&x=2"
    preferences = "https://portal.example.org/preferences/abc"
    personal = issue_email_personalise(
        rendered, unsubscribe_url=unsubscribe, preferences_url=preferences
    )
    for part in (personal.html, personal.text, *personal.headers.values()):
        assert UNSUBSCRIBE_PLACEHOLDER not in part and PREFERENCES_PLACEHOLDER not in part
    assert 'href="https://portal.example.org/unsubscribe/abc?list=1&amp;x=2"' in personal.html
    assert f"Unsubscribe: {unsubscribe}" in personal.text
    assert personal.headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    # The shared rendering stays untouched for the next recipient.
    assert UNSUBSCRIBE_PLACEHOLDER in rendered.html


def test_a_personalised_issue_builds_a_message_with_both_parts(issue):
    personal = issue_email_personalise(
        issue_email_render(issue=issue),
        unsubscribe_url="https://u.example",
        preferences_url="https://p.example",
    )
    message = build_message(personal, to="practitioner@example.org")
    assert message.body == personal.text
    assert message.alternatives[0].content == personal.html
    assert message.extra_headers["List-Unsubscribe"] == "<https://u.example>"


def test_render_issue_writes_subject_html_and_text(issue, tmp_path):
    call_command("render_issue", "december-2023", "--out", str(tmp_path))
    assert (tmp_path / "subject.txt").read_text() == "DSCP Newsletter: December 2023\n"
    assert "Unseen Males" in (tmp_path / "email.txt").read_text()
    assert "<table" in (tmp_path / "email.html").read_text()


def test_render_issue_names_an_unknown_slug(tmp_path):
    with pytest.raises(CommandError, match="no-such-issue"):
        call_command("render_issue", "no-such-issue", "--out", str(tmp_path))
