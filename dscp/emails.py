"""Transactional email: render from templates as a pure function, send separately.

An email named ``training/emails/booking_confirmed`` is three templates:
``…_subject.txt``, ``….txt`` (the plain-text part, which must read well on its
own) and ``….html`` (extends ``emails/base.html``; CSS is inlined here so
Outlook and Gmail show it as intended).
"""

import email.headerregistry
import email.policy
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


def send_email(name: str, context: dict, *, to: str, **kwargs) -> None:
    """Render and send one transactional email."""
    build_message(render_email(name, context), to=to, **kwargs).send()
