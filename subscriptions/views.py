"""Public pages: sign up, confirm, preferences, unsubscribe. Thin: parse, call a service, render.

No page says whether an address is on file: signing up and asking to
unsubscribe answer the same way for every address, and everything personal
sits behind a signed link sent to that address.
"""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dscp.links import from_token
from dscp.ratelimit import limit_public_form
from subscriptions import consent, hooks, services
from subscriptions.errors import SubscriptionError
from subscriptions.forms import PreferencesForm, SubscribeForm, UnsubscribeForm
from subscriptions.models import ConsentRecord, Subscriber, Subscription
from subscriptions.selectors import (
    SubscriberLink,
    lists_offered_to,
    public_lists,
    subscriber_from_token,
    subscriber_lists,
    subscription_statuses,
)
from subscriptions.tokens import make_token

Method = ConsentRecord.Method
Status = Subscription.Status

_LINK_PROBLEM_STATUS = {"link_invalid": 400, "link_expired": 410, "link_gone": 410}


# Links: every view reached from a signed link gets its subscriber from the one selector,
# subscriber_from_token, through dscp.links.from_token; these are its problem pages.


def _link_problem(request, error: SubscriptionError):
    return render(
        request,
        "subscriptions/link_problem.html",
        {"error": error},
        status=_LINK_PROBLEM_STATUS[error.code],
    )


def _plain_link_problem(request, error: SubscriptionError) -> HttpResponse:
    # A mail provider reads the answer, not a person: plain text, no page.
    return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


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
@from_token(subscriber_from_token, problem=_link_problem, purpose="confirm")
def confirm(request, link: SubscriberLink, token):
    subscriber, lists = link.subscriber, link.lists
    if request.method == "POST":
        confirmed = services.subscription_confirm(subscriber=subscriber, lists=lists)
        if confirmed:
            names = ", ".join(m.name for m in confirmed)
            messages.success(request, f"You are subscribed to: {names}.")
        return redirect(_preferences_url(subscriber))
    subscriptions = subscription_statuses(subscriber=subscriber, lists=lists)
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
# gone_ok: an erased person is as unsubscribed as can be.
@from_token(subscriber_from_token, problem=_link_problem, purpose="unsubscribe", gone_ok=True)
def unsubscribe_link(request, link: SubscriberLink, token):
    """The link in an email: a page with one button, so link scanners cannot unsubscribe."""
    subscriber = link.subscriber
    if request.method == "GET":
        return render(request, "subscriptions/unsubscribe_confirm.html", {"token": token})
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
    return _one_click_unsubscribe(request, token)


@from_token(subscriber_from_token, problem=_plain_link_problem, purpose="unsubscribe", gone_ok=True)
def _one_click_unsubscribe(request, link: SubscriberLink, token):
    if link.subscriber is not None:
        services.subscriber_unsubscribe(subscriber=link.subscriber, method=Method.ONE_CLICK)
    return HttpResponse("Unsubscribed.", content_type="text/plain; charset=utf-8")


# Preferences centre


@never_cache
@require_http_methods(["GET", "POST"])
@from_token(subscriber_from_token, problem=_link_problem, purpose="preferences")
def preferences(request, link: SubscriberLink, token):
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
        {"form": form, "subscriber": subscriber, "token": token},
    )


@never_cache
@require_POST
@from_token(subscriber_from_token, problem=_link_problem, purpose="preferences")
def preferences_unsubscribe(request, link: SubscriberLink, token):
    subscriber = link.subscriber
    services.subscriber_unsubscribe(subscriber=subscriber, method=Method.PREFERENCES)
    return render(
        request,
        "subscriptions/unsubscribed.html",
        {"preferences_url": _preferences_url(subscriber)},
    )


@never_cache
@require_GET
@from_token(subscriber_from_token, problem=_link_problem, purpose="preferences")
def preferences_data(request, link: SubscriberLink, token):
    subscriber = link.subscriber
    response = JsonResponse(
        hooks.person_data_export(email=subscriber.email), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="dscp-subscription-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@from_token(subscriber_from_token, problem=_link_problem, purpose="preferences")
def preferences_erase(request, link: SubscriberLink, token):
    subscriber = link.subscriber
    if request.method == "GET":
        return render(request, "subscriptions/erase.html", {"token": token})
    hooks.person_data_erase(email=subscriber.email)
    return render(request, "subscriptions/erased.html")


# Shared


def _preferences_url(subscriber: Subscriber) -> str:
    token = make_token(purpose="preferences", subscriber_id=subscriber.pk)
    return reverse("subscriptions:preferences", kwargs={"token": token})
