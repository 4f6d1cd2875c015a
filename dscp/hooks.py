"""Hooks: how an app asks an app above it for something without naming it.

The apps stand in one order (docs/architecture.md, held by tests/test_boundaries.py):
each imports only apps below it. When a lower app's own page or email needs what a
higher app knows (a priority's page lists its courses, impact figures and news; the
welcome email shows the latest issue; the preferences page erases a person
everywhere), the lower app declares a ``Hook`` in its ``hooks.py`` and calls it where
it needs the answer. The higher app fills it in its ``AppConfig.ready()`` with one of
its selectors or services. The lower app never names the app that answers.

A hook is a question with one answerer, not a broadcast (``django.dispatch`` does
those). A hook declared with a ``default`` gives it while unfilled (a page leaves
that section out); one without refuses to run unfilled, so a missing app fails
loudly instead of quietly skipping work such as an erasure.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_NO_DEFAULT = object()


class Hook:
    def __init__(self, name: str, *, default: Any = _NO_DEFAULT) -> None:
        self.name = name
        self.default = default
        self.answer: Callable | None = None

    def fill(self, answer: Callable) -> None:
        """Answer this hook with ``answer`` (called with the hook's keyword arguments)."""
        if self.answer is not None and self.answer is not answer:
            raise ImproperlyConfigured(
                f"The hook {self.name} is filled twice: by {_named(self.answer)} "
                f"and by {_named(answer)}"
            )
        self.answer = answer

    def __call__(self, **kwargs: Any) -> Any:
        if self.answer is not None:
            return self.answer(**kwargs)
        if self.default is _NO_DEFAULT:
            raise ImproperlyConfigured(
                f"Nothing fills the hook {self.name}: is the app that answers it installed?"
            )
        return self.default

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"


def _named(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"
