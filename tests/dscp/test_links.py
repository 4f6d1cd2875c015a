"""dscp.links.from_token: every page reached from an emailed link reads it the one way."""

from django.http import HttpResponse
from django.test import RequestFactory

from dscp.errors import DomainError
from dscp.links import from_token


class LinkError(DomainError):
    messages = {"link_invalid": "This link does not work."}


def _selector(*, token, suffix):
    if token == "bad":
        raise LinkError("link_invalid")
    return token + suffix


def _problem(request, error):
    return HttpResponse(error.code, status=400)


@from_token(_selector, problem=_problem, suffix="!")
def _view(request, found, token):
    return HttpResponse(f"{found} from {token}")


def test_the_view_gets_what_the_selector_found_with_its_options_and_the_token():
    response = _view(RequestFactory().get("/"), "good")
    assert response.content == b"good! from good"


def test_a_link_the_selector_refuses_gets_the_apps_problem_page_and_the_view_does_not_run():
    response = _view(RequestFactory().get("/"), "bad")
    assert (response.status_code, response.content) == (400, b"link_invalid")
