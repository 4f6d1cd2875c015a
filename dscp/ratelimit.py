"""Rate limits for public forms, per IP address and per email address."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def _field_key(field: str):
    def key(group, request):
        return request.POST.get(field, "").strip().lower()

    return key


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _window(rate: str) -> int:
    """The seconds a rate such as "30/10m" counts over, as django-ratelimit reads it."""
    period = rate.partition("/")[2]
    return int(period[:-1] or 1) * _UNIT_SECONDS[period[-1]]


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
                response = render(request, "dscp/429.html", status=429)
                # The longest window of the limits that applied, in seconds.
                response["Retry-After"] = str(max(_window(rate) for _, rate in limits))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
