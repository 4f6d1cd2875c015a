"""Site-wide request handling that every view relies on and none should repeat."""

import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.shortcuts import render
from django.urls import get_resolver

from dscp import logs
from dscp.errors import DomainError
from dscp.locking import BUSY

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")

# No browser sends these in an address or a form value, and PostgreSQL refuses
# NUL outright: stopped here, none of them can reach a query as a 500.
# Tab, line feed and carriage return are allowed in form values (text areas).
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class RequestIdMiddleware:
    """Give each request an id for its log lines and its response (``X-Request-ID``).

    A proxy's id is kept when it looks like one, so lines can be followed from
    the proxy's log into ours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        # Not reset on the way out: Django logs the response's status after the
        # middleware has returned, and that line should carry the id too. The
        # next request in this thread sets its own.
        logs.request_id.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class SessionIdleTimeoutMiddleware:
    """Keep a signed-in session alive while it is used: it ends SESSION_COOKIE_AGE after the last request.

    Django renews a session's expiry only when the session is saved; saving on
    every request would cost each admin page a write, so the session is touched
    at most once a minute, which makes the idle timeout good to a minute.
    """

    TOUCH_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and "_auth_user_id" in session
            and time.time() - session.get("touched_at", 0) >= self.TOUCH_EVERY_SECONDS
        ):
            touch_session(request=request)
        return self.get_response(request)


def touch_session(*, request, **kwargs) -> None:
    """Note the time in the session, so it is saved and its expiry starts again.

    Connected to ``user_logged_in`` too: signing in saves the session anyway,
    so the first pages after it need not.
    """
    request.session["touched_at"] = int(time.time())


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered (uptime monitors use HEAD), with no body.

    Views say which methods they take with ``require_GET`` and friends; running
    a HEAD as a GET here saves every one of them from also naming HEAD.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        if response.streaming:
            response.close()
            response.streaming_content = []
        else:
            response.content = b""
        return response


class RequestGuardMiddleware:
    """Refuse what no browser sends before any view or query sees it.

    A body larger than ``MAX_REQUEST_BYTES`` is refused unread (413); control
    characters in the path, a query value or a form value get the 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._refusal(request) or self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    def _refusal(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error_page(request, 400)
        if length > settings.MAX_REQUEST_BYTES:
            return _error_page(request, 413)
        if _CONTROL_IN_PATH.search(request.path_info):
            return _error_page(request, 400)
        if _has_control(request.GET):
            if request.path_info not in settings.QUERY_CLEANED_PATHS:
                return _error_page(request, 400)
            request.GET = _without_control(request.GET)
        if request.method == "POST" and _has_control(request.POST):
            return _error_page(request, 400)
        return None


class BusyMiddleware:
    """A lock wait that ran out (an app's ``"busy"`` error, see ``dscp.locking``) that the
    view did not show itself becomes a "busy, try again" page (503), never a 500."""

    # Long enough for the holder of the lock to finish; a browser may show it.
    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, DomainError) and exception.code == BUSY):
            return None
        response = render(request, "dscp/busy.html", {"message": exception.message}, status=503)
        response.headers["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


def _error_page(request, status: int):
    """The URLconf's own ``handler400`` (or ``handler413``) page, in the site's look."""
    handler = get_resolver().resolve_error_handler(status)
    return handler(request, SuspiciousOperation("refused by RequestGuardMiddleware"))


def _without_control(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(
            _CONTROL_IN_VALUE.sub("", key), [_CONTROL_IN_VALUE.sub("", v) for v in values]
        )
    cleaned._mutable = False
    return cleaned


def _has_control(data) -> bool:
    return any(
        _CONTROL_IN_VALUE.search(key) or any(_CONTROL_IN_VALUE.search(v) for v in values)
        for key, values in data.lists()
    )
