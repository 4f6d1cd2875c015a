"""Whole public pages cached in Redis for anonymous readers, dropped when content changes.

When an issue goes out, thousands open the same few pages in minutes. A page a
reader without a session asks for is kept under the current content version; any
save or delete of a model that public pages show (connected in ``dscp.apps``)
starts a new version, so staff see their change at once, and so does every reader.
Pages also expire after ``PAGE_CACHE_SECONDS``, which bounds what changes with the
clock alone (an issue scheduled to appear, a session whose bookings close).

Never cached: anyone with a session or a pending message (staff, a person just
told something), any response that sets a cookie or used a CSRF token (a page with
a POST form), and anything but a plain 200 HTML answer.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

VERSION_KEY = "pages:version"


def content_version() -> str:
    """The current version of public content; a new one is started if Redis lost it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(4), timeout=None)


def content_changed(**kwargs) -> None:
    """Start a new content version: every cached page is out of date."""
    _new_version()
    # And again once the change is committed: a reader in between would have
    # cached the page as it was before.
    transaction.on_commit(_new_version, robust=True)


def _cacheable_request(request) -> bool:
    return request.method == "GET" and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "no-cache" not in response.get("Cache-Control", "")
    )


def cache_public_page(view):
    """Serve the view's page from the cache to readers without a session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = "pages:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # The page is stored with the version it was rendered under, so the version
        # and the page come back in one round trip to Redis.
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or content_version()
        if key in found and found[key][0] == version:
            _, content, content_type = found[key]
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            page = (version, response.content, response["Content-Type"])
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
