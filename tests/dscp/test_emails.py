import email
import email.policy
from pathlib import Path

import pytest
from django.core import mail

from dscp.emails import MessageFrame, RenderedEmail, build_message, render_email, send_email


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


def _issue_like(
    link: str, to: str, message_id: str, paragraph: str = "Practitioners – and the partnership."
):
    # Long lines and a non-ASCII dash: the HTML part goes out quoted-printable.
    html = f"<p>{paragraph * 40}</p><p><a href='{link}'>Unsubscribe</a></p>"
    rendered = RenderedEmail(subject="December – issue", text=f"Read it.\n{link}\n", html=html)
    headers = {"List-Unsubscribe": f"<{link}>", "Message-ID": message_id}
    return build_message(rendered, to=to, headers=headers)


def _parsed(data: bytes):
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    headers = {k: message[k] for k in ("To", "Subject", "List-Unsubscribe", "Message-ID", "From")}
    return headers, parts


def test_a_message_frame_filled_in_reads_as_the_message_built_for_that_recipient():
    frame = MessageFrame(
        _issue_like("LINK", "to@frame.invalid", "<id@frame.invalid>"),
        placeholders=["LINK", "to@frame.invalid", "id@frame.invalid"],
    )
    link = "https://portal.example.org/unsubscribe/eyJzIjoxfQ:1xY16z:JwMSAsE-zsU_9q/"
    data = frame.fill(
        {"LINK": link, "to@frame.invalid": "sam@example.org", "id@frame.invalid": "1.2@x.org"}
    )
    built = _issue_like(link, "sam@example.org", "<1.2@x.org>").message(policy=email.policy.SMTP)
    assert _parsed(data) == _parsed(built.as_bytes())
    assert b"quoted-printable" in data


def test_a_message_frame_leaves_to_a_full_build_what_it_cannot_put_in_as_it_is():
    placeholders = ["LINK", "to@frame.invalid", "id@frame.invalid"]
    values = {
        "LINK": "https://x.org/",
        "to@frame.invalid": "sam@example.org",
        "id@frame.invalid": "1@x",
    }
    frame = MessageFrame(
        _issue_like("LINK", "to@frame.invalid", "<id@frame.invalid>"), placeholders=placeholders
    )
    assert frame.fill(values)
    # An address that is not plain ASCII would be encoded in the header.
    assert frame.fill({**values, "to@frame.invalid": "zoë@example.org"}) is None
    # A value quoted-printable would change.
    assert frame.fill({**values, "LINK": "https://x.org/?a=1"}) is None
    # A body the encoder chose base64 for holds no placeholder to replace.
    encoded = MessageFrame(
        _issue_like("LINK", "to@frame.invalid", "<id@frame.invalid>", paragraph="ŻółćĘą" * 10),
        placeholders=placeholders,
    )
    assert encoded.fill(values) is None
