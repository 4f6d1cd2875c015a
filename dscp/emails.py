"""Transactional email: render from templates as a pure function, send separately.

An email named ``training/emails/booking_confirmed`` is three templates:
``…_subject.txt``, ``….txt`` (the plain-text part, which must read well on its
own) and ``….html`` (extends ``emails/base.html``; CSS is inlined here so
Outlook and Gmail show it as intended).
"""

import email.headerregistry
import email.policy
import re
from dataclasses import dataclass, field

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def inline_css(html: str) -> str:
    """Move <style> rules onto the elements, as email clients require."""
    return _inliner.inline(html)


def _render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template: HTML escaping would show "&amp;" to the reader."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_email(name: str, context: dict) -> RenderedEmail:
    """Render the subject, plain text and inlined HTML of the email ``name``."""
    context = {"partnership": settings.PARTNERSHIP, "site_url": settings.SITE_URL, **context}
    subject = _render_plain(f"{name}_subject.txt", context)
    return RenderedEmail(
        # A newline in a subject would be a header injection; Django refuses it.
        subject=" ".join(subject.split()),
        text=_render_plain(f"{name}.txt", context).strip() + "\n",
        html=inline_css(render_to_string(f"{name}.html", context)),
    )


class _HeaderClasses(email.headerregistry.HeaderRegistry):
    """The standard header classes, each made once.

    HeaderRegistry makes a new class for every header it sets: a third of the time
    a newsletter send spent building each recipient's message.
    """

    def __init__(self):
        super().__init__()
        self._made = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._made:
            self._made[key] = super().__getitem__(name)
        return self._made[key]


_HEADER_CLASSES = _HeaderClasses()


class _Message(EmailMultiAlternatives):
    """A message whose headers fold only at RFC 5322's 998-character limit.

    At the usual 78 characters Python folds a long unbroken value, such as a
    List-Unsubscribe URL, into RFC 2047 encoded-words, which mail providers
    do not decode there: one-click unsubscribe would silently stop working.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(
            policy=policy.clone(max_line_length=998, header_factory=_HEADER_CLASSES)
        )


def build_message(
    rendered: RenderedEmail,
    *,
    to: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """One message with a plain-text body and an HTML alternative."""
    message = _Message(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[settings.REPLY_TO_EMAIL],
        headers={**rendered.headers, **(headers or {})},
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message


# What a recipient's value may hold to go into a serialised message as it is: quoted-
# printable leaves these bytes alone, and none of them needs quoting in a header.
_AS_IS = re.compile(rb"[A-Za-z0-9@:/._~+-]*")
_MAX_LINE = 998  # RFC 5322
_FRAME_LINES = (850, 800, 750)


class MessageFrame:
    """One message serialised once, into which each recipient's values are put as bytes.

    Building and serialising a message with the email package costs a newsletter send
    about 5 ms per recipient. The frame is built once from a message holding a
    placeholder wherever one recipient's values differ from another's (the address,
    the Message-ID, personal links); ``fill`` replaces them. It returns None, so the
    caller builds that message in full, when a placeholder did not come out whole (the
    encoder split or encoded it), a value holds anything quoted-printable or a header
    would change, or a line would grow past 998 characters.

    Headers are not folded below 850 characters here either, as in ``_Message``.
    """

    def __init__(self, message: EmailMultiAlternatives, *, placeholders: list[str]):
        written = [
            message.subject,
            message.body,
            *message.to,
            *message.extra_headers.values(),
            *(content for content, _ in message.alternatives),
        ]
        expected = {p.encode(): sum(str(part).count(p) for part in written) for p in placeholders}
        # Lines kept shorter than the limit leave room for values longer than their
        # placeholders; where one placeholder falls across a line's end, another length
        # moves the ends.
        for length in _FRAME_LINES:
            policy = email.policy.SMTP.clone(max_line_length=length, header_factory=_HEADER_CLASSES)
            self.data = EmailMultiAlternatives.message(message, policy=policy).as_bytes()
            self.whole = all(self.data.count(p) == n for p, n in expected.items())
            if self.whole:
                break

    def fill(self, values: dict[str, str]) -> bytes | None:
        """The message for one recipient, or None if it must be built in full."""
        if not self.whole:
            return None
        data = self.data
        for placeholder, value in values.items():
            raw = value.encode("ascii", "replace")
            if not _AS_IS.fullmatch(raw):
                return None
            data = data.replace(placeholder.encode(), raw)
        if any(len(line) > _MAX_LINE for line in data.split(b"\r\n")):
            return None
        return data


def send_email(name: str, context: dict, *, to: str, **kwargs) -> None:
    """Render and send one transactional email."""
    build_message(render_email(name, context), to=to, **kwargs).send()
