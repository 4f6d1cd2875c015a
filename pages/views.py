"""Site-wide pages: home, contact, the statements, and errors in the site's look."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dscp.pagecache import cache_public_page
from newsletter import selectors as newsletter_selectors
from priorities import selectors as priority_selectors
from training import selectors as training_selectors

HOME_SESSIONS = 4


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
def contact(request):
    return render(request, "pages/contact.html")


@require_GET
@cache_public_page
def accessibility(request):
    return render(request, "pages/accessibility.html")


@require_GET
@cache_public_page
def privacy(request):
    return render(request, "pages/privacy.html")


@require_GET
@cache_public_page
def cookies(request):
    return render(request, "pages/cookies.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: the process answers and the database is reachable."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


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
