"""Site-wide pages: home, contact, the statements, and errors in the site's look."""

import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dscp.celery import app as celery_app
from dscp.pagecache import cache_public_page
from newsletter import selectors as newsletter_selectors
from priorities import selectors as priority_selectors
from training import selectors as training_selectors

HOME_SESSIONS = 4


logger = logging.getLogger(__name__)


@require_GET
@cache_public_page
def home(request):
    """What the partnership has now: the latest issue, the priorities, the next training."""
    return render(
        request,
        "pages/home.html",
        {
            "latest_issue": newsletter_selectors.latest_issue(),
            "priorities": priority_selectors.priority_overview(),
            "upcoming_sessions": training_selectors.upcoming_sessions(limit=HOME_SESSIONS),
        },
    )


@require_GET
@cache_public_page
def static_page(request, template: str):
    """A page with nothing to look up: contact, the accessibility statement, privacy, cookies."""
    return render(request, f"pages/{template}.html")


@never_cache
@require_GET
def healthz(request):
    """For the load balancer and monitors: the database, the cache and the broker answer.

    Says only "ok" or "unavailable" (503): which part failed, and why, goes to
    the log, where staff look, not to whoever asks.
    """
    failed = [name for name, check in HEALTH_CHECKS.items() if not _healthy(name, check)]
    if failed:
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _check_database():
    # Looked up on each call: ``connection`` is this thread's, not the importing one's.
    connection.ensure_connection()


def _check_cache():
    cache.set("healthz", "1", timeout=10)
    if cache.get("healthz") != "1":
        raise RuntimeError("the cache did not keep a value")


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # make run: tasks run in the web process, there is no broker
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def _healthy(name: str, check) -> bool:
    try:
        check()
    except Exception:  # any failure means unhealthy; its detail goes to the log
        logger.exception("healthz: the %s check failed", name)
        return False
    return True


@require_GET
def robots_txt(request):
    """Keep crawlers off pages reached by personal links, and off admin."""
    # The prefixes of links that carry a token; admin is left out so as not to name its path.
    private = [
        reverse(name, args=["-"]).removesuffix("-/")
        for name in (
            "subscriptions:confirm",
            "subscriptions:unsubscribe_link",
            "subscriptions:preferences",
            "training:booking_manage",
        )
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def security_txt(request):
    """RFC 9116: where to report a vulnerability. It must not look stale, so it expires a year on."""
    expires = timezone.now().replace(microsecond=0) + timedelta(days=365)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _error(request, status: int, title: str, message: str):
    return render(request, "pages/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(
        request,
        400,
        "Sorry, there is a problem with that request",
        "The page could not understand what was sent. Go back and try again.",
    )


def request_too_large(request, exception=None):
    return _error(
        request,
        413,
        "The file or form you sent is too large",
        "Go back and send a smaller file, or contact the DSCP business unit.",
    )


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        "You do not have permission to see this page",
        "If you think you should, contact the DSCP business unit.",
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted the web address, check you copied the entire address.",
    )


def server_error(request):
    # No context processors may run here: the fault could be in one of them.
    from django.template import loader

    html = loader.get_template("500.html").render()
    return HttpResponse(html, status=500)
