"""Public pages: sign up, confirm, preferences, unsubscribe. Thin: parse, call a service, render.

No page says whether an address is on file: signing up and asking to
unsubscribe answer the same way for every address, and everything personal
sits behind a signed link sent to that address.
"""

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dscp.ratelimit import limit_public_form
from subscriptions import consent, hooks, services
from subscriptions.errors import SubscriptionError
from subscriptions.forms import PreferencesForm, SubscribeForm, UnsubscribeForm
from subscriptions.models import ConsentRecord, MailingList, Subscriber, Subscription
from subscriptions.selectors import (
    lists_offered_to,
    public_lists,
    subscriber_lists,
)
from subscriptions.tokens import make_token, read_token

Method = ConsentRecord.Method
Status = Subscription.Status

_LINK_PROBLEM_STATUS = {"link_invalid": 400, "link_expired": 410, "link_gone": 410}


# Links: every view reached from a signed link gets its subscriber through one decorator


@dataclass(frozen=True)
class Link:
    """What a signed link in an email stands for: who it is for and, to confirm, which lists."""

    token: str
    subscriber: Subscriber | None  # None only where an erased person is allowed (gone_ok)
    list_ids: list[int]


def _read_link(purpose: str, token: str) -> Link:
    payload = read_token(purpose=purpose, token=token)
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None:
        raise SubscriptionError("link_gone")
    return Link(token=token, subscriber=subscriber, list_ids=payload.get("l", []))


def from_link(purpose: str, *, gone_ok: bool = False):
    """Turn the ``token`` in the URL into a ``Link``, or a page saying what is wrong with it.

    With ``gone_ok`` a link for an erased person still reaches the view, with no subscriber.
    """

    def decorate(view):
        @functools.wraps(view)
        def with_link(request, token):
            try:
                link = _read_link(purpose, token)
            except SubscriptionError as error:
                if not (gone_ok and error.code == "link_gone"):
                    return _link_problem(request, error)
                link = Link(token=token, subscriber=None, list_ids=[])
            return view(request, link)

        return with_link

    return decorate


# Signing up


@limit_public_form(group="subscriptions.subscribe", field="email")
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None, lists=public_lists())
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:
            services.subscription_request(
                email=form.cleaned_data["email"],
                lists=form.cleaned_data["lists"],
                name=form.cleaned_data["name"],
                organisation=form.cleaned_data["organisation"],
            )
        # Redirect, so a refresh cannot post again; the next page is the same
        # for every address.
        return redirect("subscriptions:subscribe_sent")
    return render(request, "subscriptions/subscribe.html", {"form": form})


@require_GET
def subscribe_sent(request):
    return render(request, "subscriptions/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
@from_link("confirm")
def confirm(request, link: Link):
    subscriber = link.subscriber
    lists = list(MailingList.objects.filter(pk__in=link.list_ids))
    if request.method == "POST":
        confirmed = services.subscription_confirm(subscriber=subscriber, lists=lists)
        if confirmed:
            names = ", ".join(m.name for m in confirmed)
            messages.success(request, f"You are subscribed to: {names}.")
        return redirect(_preferences_url(subscriber))
    subscriptions = {
        s.mailing_list_id: s.status for s in subscriber.subscriptions.filter(mailing_list__in=lists)
    }
    return render(
        request,
        "subscriptions/confirm.html",
        {
            "pending": [m for m in lists if subscriptions.get(m.pk) == Status.PENDING],
            "active": [m for m in lists if subscriptions.get(m.pk) == Status.ACTIVE],
            "preferences_url": _preferences_url(subscriber),
            "statement": consent.CURRENT,
        },
    )


# Unsubscribing


@limit_public_form(group="subscriptions.unsubscribe", field="email")
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    form = UnsubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscriber_unsubscribe_request(email=form.cleaned_data["email"])
        return redirect("subscriptions:unsubscribe_sent")
    return render(request, "subscriptions/unsubscribe.html", {"form": form})


@require_GET
def unsubscribe_sent(request):
    return render(request, "subscriptions/unsubscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
@from_link("unsubscribe", gone_ok=True)  # an erased person is as unsubscribed as can be
def unsubscribe_link(request, link: Link):
    """The link in an email: a page with one button, so link scanners cannot unsubscribe."""
    subscriber = link.subscriber
    if request.method == "GET":
        return render(request, "subscriptions/unsubscribe_confirm.html", {"token": link.token})
    if subscriber is not None:
        services.subscriber_unsubscribe(subscriber=subscriber, method=Method.EMAIL_LINK)
    # No preferences link here: an unsubscribe link never expires, and must not
    # mint a link that opens the person's data. The emailed links do that.
    return render(request, "subscriptions/unsubscribed.html")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def one_click(request, token):
    """RFC 8058: a mail provider POSTs ``List-Unsubscribe=One-Click``, with no cookies.

    A person who opens the address in a browser gets the one-button page.
    """
    if request.method == "GET":
        return unsubscribe_link(request, token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponse(
            "Expected the form body List-Unsubscribe=One-Click (RFC 8058).",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        subscriber = _read_link("unsubscribe", token).subscriber
    except SubscriptionError as error:
        if error.code != "link_gone":
            return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    else:
        services.subscriber_unsubscribe(subscriber=subscriber, method=Method.ONE_CLICK)
    return HttpResponse("Unsubscribed.", content_type="text/plain; charset=utf-8")


# Preferences centre


@never_cache
@require_http_methods(["GET", "POST"])
@from_link("preferences")
def preferences(request, link: Link):
    subscriber = link.subscriber
    current = subscriber_lists(subscriber=subscriber, statuses=[Status.ACTIVE, Status.PENDING])
    lists = lists_offered_to(current=current)
    form = PreferencesForm(
        request.POST or None,
        lists=lists,
        initial={
            "name": subscriber.name,
            "organisation": subscriber.organisation,
            "lists": [str(m.pk) for m in current],
        },
    )
    if request.method == "POST" and form.is_valid():
        services.subscriber_update_preferences(
            subscriber=subscriber,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            lists=form.cleaned_data["lists"],
        )
        messages.success(request, "Your choices have been saved.")
        return redirect(request.path)
    return render(
        request,
        "subscriptions/preferences.html",
        {"form": form, "subscriber": subscriber, "token": link.token},
    )


@never_cache
@require_POST
@from_link("preferences")
def preferences_unsubscribe(request, link: Link):
    subscriber = link.subscriber
    services.subscriber_unsubscribe(subscriber=subscriber, method=Method.PREFERENCES)
    return render(
        request,
        "subscriptions/unsubscribed.html",
        {"preferences_url": _preferences_url(subscriber)},
    )


@never_cache
@require_GET
@from_link("preferences")
def preferences_data(request, link: Link):
    subscriber = link.subscriber
    response = JsonResponse(
        hooks.person_data_export(email=subscriber.email), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="dscp-subscription-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@from_link("preferences")
def preferences_erase(request, link: Link):
    subscriber = link.subscriber
    if request.method == "GET":
        return render(request, "subscriptions/erase.html", {"token": link.token})
    hooks.person_data_erase(email=subscriber.email)
    return render(request, "subscriptions/erased.html")


# Shared


def _preferences_url(subscriber: Subscriber) -> str:
    token = make_token(purpose="preferences", subscriber_id=subscriber.pk)
    return reverse("subscriptions:preferences", kwargs={"token": token})


def _link_problem(request, error: SubscriptionError):
    return render(
        request,
        "subscriptions/link_problem.html",
        {"error": error},
        status=_LINK_PROBLEM_STATUS[error.code],
    )
