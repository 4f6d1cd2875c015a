"""The one shape of a domain error: a code, and a plain-English message from one dict.

Each app's ``errors.py`` holds a ``MESSAGES`` dict with every sentence the app can
show and one subclass of ``DomainError`` pointing at it (``BookingError``,
``NewsletterError``, ...). Services raise it with a code; views and admin catch it
and show ``error.message`` next to the form or as a message, and forms and models
that need Django's ``ValidationError`` call ``error.validation_error()``.
"""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule said no; ``code`` tells the rules apart, ``message`` is what the person reads."""

    messages: dict[str, str] = {}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = self.messages[code].format(**{**self.message_defaults(), **params})
        super().__init__(self.message)

    @classmethod
    def message_defaults(cls) -> dict:
        """Values every message of the app may use, e.g. a contact address from settings."""
        return {}

    def validation_error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)
