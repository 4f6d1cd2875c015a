"""Rate limits for public forms, per IP address and per email address."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def _field_key(field: str):
    def key(group, request):
        return request.POST.get(field, "").strip().lower()

    return key


def limit_public_form(*, group: str, field: str | None = None, ip_rate: str = "RATE_LIMIT_PER_IP"):
    """Decorate a view so too many POSTs get a "try again in a few minutes" page (429).

    Limits come from settings: the one ``ip_rate`` names (RATE_LIMIT_PER_IP unless
    a form needs another) for each client address and, when ``field`` names the
    form's email field, RATE_LIMIT_PER_ADDRESS for each address typed, so one
    person cannot flood another's inbox from many IPs.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limits = [("ip", getattr(settings, ip_rate))]
            if field:
                limits.append((_field_key(field), settings.RATE_LIMIT_PER_ADDRESS))
            if request.method == "POST" and any(
                is_ratelimited(
                    request, group=group, key=key, rate=rate, method="POST", increment=True
                )
                for key, rate in limits
            ):
                return render(request, "dscp/429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
