"""The search page over HTTP: what it shows, what it costs, and what bad input gets."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.errors import MESSAGES
from tests.newsletter.factories import ArticleFactory
from tests.training.factories import CourseFactory, SessionFactory

# The index is refreshed when the content's transaction commits, so each test
# lets its saves commit, as the site does (pytest-django's plain ``db`` never commits).
pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("search:search")


def test_every_page_has_the_header_search_box_and_the_opensearch_link(client, db):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{URL}"' in html and 'role="search"' in html
    assert 'rel="search" type="application/opensearchdescription+xml"' in html


def test_opensearch_description_points_at_the_search_page(client, db):
    response = client.get(reverse("search:opensearch"))
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    assert "http://testserver/search/?q={searchTerms}" in response.content.decode()


def test_an_empty_search_suggests_searches(client, db):
    response = client.get(URL, {"q": "  "})
    assert response.status_code == 200
    assert "For example, search for" in response.content.decode()


def test_results_show_kind_highlight_and_course_places(client, db):
    course = CourseFactory(title="Fostering basics")
    SessionFactory(course=course, capacity=12)
    html = client.get(URL, {"q": "fostering"}).content.decode()
    assert "1 result" in html
    assert "Training course" in html
    assert "<mark>Fostering</mark> basics" in html
    assert "12 places left" in html


def test_nothing_found_says_so_and_suggests(client, db):
    html = client.get(URL, {"q": "zebra"}).content.decode()
    assert "0 results" in html and "Check the spelling" in html


def test_a_long_query_is_refused_next_to_the_box_keeping_what_was_typed(client, db):
    query = "fostering " * 500
    response = client.get(URL, {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert MESSAGES["query_too_long"] in html
    assert "govuk-error-summary" in html and "<title>Error: Search –" in html


def test_nul_characters_in_the_query_are_dropped_and_the_search_runs(client, db):
    CourseFactory(title="Fostering basics")
    response = client.get(URL, {"q": "foster\x00ing"})
    assert response.status_code == 200
    assert "<mark>Fostering</mark> basics" in response.content.decode()


def test_nul_characters_elsewhere_still_get_the_sites_bad_request_page(client, db):
    response = client.get("/training/", {"role": "foster\x00ing"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "foster & | ! <-> :* ( )",
        "'; DROP TABLE search_entry; --",
        '"unclosed quote',
        "-",
        "or or or",
        "Ünïcödé sæfeguarding",
        "👶🏽 safeguarding 👨‍👩‍👧",
        "%_\\",
        "the",
    ],
)
def test_awkward_queries_get_a_normal_page(client, db, query):
    ArticleFactory(issue__published=True, title="Safeguarding news")
    assert client.get(URL, {"q": query, "kind": "course", "page": "x"}).status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(max_size=300),
    kind=st.text(max_size=20),
    page=st.one_of(st.text(max_size=10), st.integers().map(str), st.just("9" * 30)),
)
def test_any_query_gets_a_normal_page(client, db, query, kind, page):
    assert client.get(URL, {"q": query, "kind": kind, "page": page}).status_code == 200


def test_query_count_does_not_grow_with_the_hits(client, db, django_assert_num_queries):
    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "fostering"}).status_code == 200
        return len(captured)

    CourseFactory(title="Fostering one")
    ArticleFactory(issue__published=True, title="Fostering news")
    SessionFactory(course__title="Fostering two")
    few = queries_for_page()
    for n in range(15):
        SessionFactory(course__title=f"Fostering course {n}")
        ArticleFactory(issue__published=True, title=f"Fostering news {n}")
    with django_assert_num_queries(few):
        assert client.get(URL, {"q": "fostering"}).status_code == 200


def test_pages_of_results_keep_the_query_and_the_kind(client, db):
    for n in range(21):
        CourseFactory(title=f"Fostering course {n}")
    html = client.get(URL, {"q": "fostering here", "kind": "course"}).content.decode()
    assert 'aria-label="Pages of search results"' in html
    assert 'href="?q=fostering+here&amp;kind=course&amp;page=2" rel="next"' in html
    assert "2 of 2" in html
    second = client.get(URL, {"q": "fostering here", "kind": "course", "page": 2}).content.decode()
    assert 'href="?q=fostering+here&amp;kind=course&amp;page=1" rel="prev"' in second
