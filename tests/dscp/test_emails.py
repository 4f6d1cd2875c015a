from pathlib import Path

import pytest
from django.core import mail

from dscp.emails import render_email, send_email


@pytest.fixture(autouse=True)
def sample_email_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent / "templates"]}
    ]


def test_rendered_email_has_inlined_css_plain_text_and_a_one_line_subject(settings):
    settings.SITE_URL = "https://portal.example.org"
    rendered = render_email("tests/emails/sample", {"name": "Sam"})
    assert rendered.subject == "Hello Sam from the DSCP"
    assert "<style" not in rendered.html
    assert 'style="' in rendered.html
    assert "https://portal.example.org/" in rendered.html
    assert rendered.text.startswith("Hello Sam")


def test_sent_email_has_both_parts_and_the_partnership_reply_to(settings):
    send_email("tests/emails/sample", {"name": "Sam"}, to="sam@example.org")
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.reply_to == [settings.REPLY_TO_EMAIL]
    assert message.alternatives[0].mimetype == "text/html"
    assert "Hello Sam" in message.body


def test_subject_and_plain_text_show_ampersands_and_apostrophes_as_typed_and_html_escapes_them():
    rendered = render_email("tests/emails/sample", {"name": "Children's Services & <Families>"})
    assert rendered.subject == "Hello Children's Services & <Families> from the DSCP"
    assert rendered.text.startswith("Hello Children's Services & <Families>")
    assert "Services &amp; &lt;Families&gt;" in rendered.html
