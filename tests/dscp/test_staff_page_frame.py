"""Custom staff pages look like the rest of the admin (issue 15): its breadcrumbs, its form styles."""

import re

import pytest
from django.urls import reverse

from tests.factories import StaffFactory
from tests.newsletter.audience import build_audience
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _pages():
    issue = build_audience(subscribers=1).issue
    session = SessionFactory()
    return {
        "send": (reverse("admin:newsletter_send_new", args=[issue.pk]), issue.title),
        "register": (reverse("admin:training_session_register", args=[session.pk]), "Register"),
        "import": (reverse("admin:subscriptions_subscriber_import"), "Import"),
    }


@pytest.mark.parametrize("page", ["send", "register", "import"])
def test_a_custom_staff_page_has_the_admins_breadcrumbs_from_the_staff_home(staff_client, page):
    url, here = _pages()[page]
    html = staff_client.get(url).content.decode()
    trail = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S)
    assert trail, "the admin's breadcrumb trail"
    links = re.findall(r'<a href="([^"]+)">', trail.group(1))
    assert links[0] == reverse("admin:index")
    assert here in re.search(r'<li aria-current="page">(.*?)</li>', trail.group(1), re.S).group(1)


@pytest.mark.parametrize("page", ["send", "import"])
def test_a_custom_staff_form_uses_the_admins_form_styles(staff_client, page):
    url, _ = _pages()[page]
    html = staff_client.get(url).content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*admin/css/forms\.css"', html)
