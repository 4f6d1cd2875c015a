"""Evaluation pages: the feedback form, the open link, certificates, and the staff report."""

import functools
import secrets

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import EXPORT_PERMISSION, personal_data_download
from dscp.links import from_token
from dscp.ratelimit import limit_public_form
from evaluations import charts, reports, selectors, services
from evaluations.errors import EvaluationError
from evaluations.forms import ResponseForm, VerifyForm
from evaluations.models import Response


def _problem(request, error: EvaluationError, *, status: int):
    return render(
        request,
        "evaluations/problem.html",
        {"message": error.message, "code": error.code},
        status=status,
    )


def _link_problem(request, error: EvaluationError):
    return _problem(request, error, status=404)


def _submit(request, form: ResponseForm, submit) -> Response | None:
    """Run a submit service; put its complaint next to the field it is about."""
    if not form.is_valid():
        return None
    try:
        return submit(form.answers())
    except EvaluationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@never_cache
@require_http_methods(["GET", "POST"])
@from_token(selectors.invitation_from_token, problem=_link_problem)
def feedback(request, invitation, token):
    if invitation.used_at:
        return redirect("evaluations:feedback_thanks", token=token)
    try:
        # The rule is the service's; asking it first shows the reason instead of a form.
        services.invitation_check_attended(invitation=invitation)
    except EvaluationError as error:
        return _problem(request, error, status=403)
    booking = invitation.booking
    form = ResponseForm(
        request.POST or None, evaluation=invitation.evaluation, agency=booking.organisation
    )
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda answers: services.response_submit_invited(
                invitation=invitation, answers=answers
            ),
        )
        # A second tab or a double click lost the race: the first answer stands.
        if response is not None or selectors.has_answered(booking=booking):
            return redirect("evaluations:feedback_thanks", token=token)
    return render(
        request,
        "evaluations/feedback.html",
        {"form": form, "evaluation": invitation.evaluation, "session": booking.session},
    )


@never_cache
@require_GET
@from_token(selectors.invitation_from_token, problem=_link_problem, max_age=None)
def feedback_thanks(request, invitation, token):
    return render(
        request,
        "evaluations/feedback_thanks.html",
        {"invitation": invitation, "session": invitation.booking.session, "token": token},
    )


@never_cache
@require_GET
@from_token(selectors.invitation_from_token, problem=_link_problem, max_age=None)
def certificate(request, invitation, token):
    try:
        issued = services.certificate_issue(invitation=invitation)
    except EvaluationError as error:
        context = {"message": error.message, "code": error.code, "token": token}
        return render(request, "evaluations/problem.html", context, status=403)
    return render(request, "evaluations/certificate.html", {"certificate": issued})


def _browser_key(request) -> str:
    """A random key kept in this browser's session: one open-link response each."""
    key = request.session.get("evaluations_browser")
    if not key:
        key = request.session["evaluations_browser"] = secrets.token_urlsafe(24)
    return key


@never_cache
@require_http_methods(["GET", "POST"])
@limit_public_form(group="evaluation")
def open_form(request, slug):
    evaluation = selectors.open_evaluation(slug=slug)
    if evaluation is None:
        raise Http404("No such form")
    context = {"evaluation": evaluation, "open": True}
    try:
        services.evaluation_check_open(evaluation=evaluation)
    except EvaluationError as error:
        return _problem(request, error, status=403)
    if request.session.get(f"evaluations_answered_{evaluation.pk}"):
        return render(request, "evaluations/open_thanks.html", context)
    form = ResponseForm(request.POST or None, evaluation=evaluation)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda answers: services.response_submit_open(
                evaluation=evaluation, browser_key=_browser_key(request), answers=answers
            ),
        )
        if response is not None:
            request.session[f"evaluations_answered_{evaluation.pk}"] = True
            return redirect("evaluations:open_form", slug=slug)
    context["form"] = form
    return render(request, "evaluations/feedback.html", context)


@require_GET
def certificate_verify(request):
    form = VerifyForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = selectors.certificate_verify(code=form.cleaned_data["code"])
        except EvaluationError as error:
            form.add_error("code", error.message)
    return render(request, "evaluations/verify.html", {"form": form, "certificate": found})


def _report_reader(view):
    """Staff who may read responses (training administrators, partnership managers); others get a 403."""

    @staff_member_required
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm("evaluations.view_response"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@_report_reader
@require_GET
def report(request):
    form, filters = reports.filters_from(request.GET)
    report = selectors.report_build(filters=filters)
    return render(
        request,
        "evaluations/report.html",
        {
            "form": form,
            "report": report,
            "charts": charts.report_charts(report),
            "csv_query": request.GET.urlencode(),
            "may_export": request.user.has_perm(EXPORT_PERMISSION),
        },
    )


@_report_reader
@require_GET
def report_csv(request):
    # Comments, organisations and sessions can point to a person: reading them on the
    # page is not enough to take them all away, which is its own right, as for lists.
    _, filters = reports.filters_from(request.GET)
    return personal_data_download(
        by=request.user,
        what="Evaluation responses",
        filters=str(filters),
        header=reports.HEADER,
        records=selectors.report_responses(filters=filters),
        row=reports.response_row,
        filename="evaluation-responses.csv",
    )
