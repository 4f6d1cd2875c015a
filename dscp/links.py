"""One way for a page to read a link from an email: the token in its URL becomes the object
the link names, or the app's page saying what is wrong with the link.

Each app that emails links has one selector, ``<thing>_from_token(*, token, ...)``, that
checks the signature (the app's ``tokens.py``), loads the object and raises the app's
error with a code saying what is wrong: ``link_invalid`` (forged or cut short),
``link_expired`` (past its time), ``link_unknown`` or ``link_gone`` (signed by us, for
something no longer held). Views never read a token themselves: they wear ``from_token``.
"""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dscp.errors import DomainError


def from_token(
    selector: Callable, *, problem: Callable[[HttpRequest, DomainError], HttpResponse], **options
):
    """Decorate a view taking ``(request, found, token)``.

    ``found`` is what ``selector(token=token, **options)`` returns. If the selector raises
    its app's error, the view does not run: ``problem(request, error)`` answers instead,
    with the page (and status) the app gives that kind of broken link.
    """

    def decorate(view):
        @functools.wraps(view)
        def with_object(request, token):
            try:
                found = selector(token=token, **options)
            except DomainError as error:
                return problem(request, error)
            return view(request, found, token)

        return with_object

    return decorate
