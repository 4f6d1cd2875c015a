import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from dscp.ratelimit import limit_public_form


@limit_public_form(group="test-form", field="email")
def form_view(request):
    return HttpResponse("thanks")


def post(email, ip="192.0.2.1"):
    return form_view(RequestFactory().post("/", {"email": email}, REMOTE_ADDR=ip))


@pytest.mark.django_db
def test_too_many_posts_for_one_address_get_a_429_page_even_from_new_ips(settings):
    settings.RATE_LIMIT_PER_ADDRESS = "3/10m"
    answers = [post("Sam@Example.org ", ip=f"192.0.2.{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert b"try again in a few minutes" in post("sam@example.org", ip="192.0.2.99").content


@pytest.mark.django_db
def test_too_many_posts_from_one_ip_are_limited_whatever_the_address(settings):
    settings.RATE_LIMIT_PER_IP = "2/10m"
    answers = [post(f"person{n}@example.org").status_code for n in range(3)]
    assert answers == [200, 200, 429]


@pytest.mark.django_db
def test_the_429_page_says_when_to_try_again(settings):
    settings.RATE_LIMIT_PER_IP = "1/10m"
    settings.RATE_LIMIT_PER_ADDRESS = "5/2h"
    post("sam@example.org")
    response = post("sam@example.org")
    assert response.status_code == 429
    assert response["Retry-After"] == str(2 * 3600)
