import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from dscp.pagecache import cache_public_page
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db


def test_a_reader_sees_a_staff_change_at_once(client, django_assert_num_queries):
    article = ArticleFactory(issue=IssueFactory(published=True), title="Unseen Males")
    url = article.issue.get_absolute_url()
    assert "Unseen Males" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert "Unseen Males" in client.get(url).content.decode()
    # What staff do in admin: save the article.
    article.title = "Unseen Males: a learning briefing"
    article.save()
    assert "Unseen Males: a learning briefing" in client.get(url).content.decode()


def test_staff_with_a_session_never_get_or_fill_the_readers_cache(client):
    draft = IssueFactory(title="January draft")
    staff = Client()
    staff.force_login(StaffFactory())
    assert "January draft" in staff.get(draft.get_absolute_url()).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_page_that_hands_out_a_csrf_token_is_never_cached():
    renders = []

    @cache_public_page
    def form_page(request):
        renders.append(1)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    form_page(RequestFactory().get("/form/"))
    form_page(RequestFactory().get("/form/"))
    assert len(renders) == 2


def test_the_same_page_is_cached_for_readers_without_a_session():
    renders = []

    @cache_public_page
    def page(request):
        renders.append(1)
        return HttpResponse("<h1>News</h1>")

    assert page(RequestFactory().get("/news/")).content == b"<h1>News</h1>"
    assert page(RequestFactory().get("/news/")).content == b"<h1>News</h1>"
    page(RequestFactory().get("/news/", {"page": "2"}))
    page(RequestFactory().get("/news/", HTTP_COOKIE="sessionid=abc"))
    assert len(renders) == 3
