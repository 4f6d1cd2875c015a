"""What practitioners find, on PostgreSQL full-text search over the demo and factory content."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search import selectors
from search.models import Entry
from tests.newsletter.factories import ArticleFactory, IssueFactory, ResourceFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    ExternalEventFactory,
    SessionFactory,
)

# The index is refreshed when the content's transaction commits, so each test
# lets its saves commit, as the site does (pytest-django's plain ``db`` never commits).
pytestmark = pytest.mark.django_db(transaction=True)


def test_unseen_males_finds_the_unseen_males_briefing_first(demo, titles):
    assert titles("unseen males")[0].startswith("Unseen Males")


def test_dbs_finds_safer_recruitment(demo):
    hits = list(selectors.search(query="DBS").page)
    assert hits, "DBS found nothing"
    kinds_and_titles = [(h.kind, str(h.title)) for h in hits]
    assert any(k == Entry.Kind.COURSE and "Safer Recruitment" in t for k, t in kinds_and_titles)
    assert "Safer Recruitment" in str(hits[0].title)


def test_matching_words_are_highlighted(demo):
    hit = selectors.search(query="DBS").page[0]
    assert "<mark>DBS</mark>" in hit.title


def test_stemming_finds_book_when_searching_booking(db, titles):
    CourseFactory(title="Working with fathers", summary="You can book a place on any date.")
    assert titles("booking") == ["Working with fathers"]


def test_a_misspelling_finds_the_right_course(demo):
    results = selectors.search(query="safer recrutment")
    assert results.similar
    courses = [str(h.title) for h in results.page if h.kind == Entry.Kind.COURSE]
    assert courses and courses[0].startswith("Safer Recruitment")


def test_safegaurding_finds_safeguarding(demo, titles):
    assert any("Safeguarding" in t for t in titles("safegaurding"))


def test_quotes_and_minus_work(db, titles):
    CourseFactory(title="Harm outside the home", summary="Exploitation of young people.")
    CourseFactory(title="Harm at home", summary="Young people outside school.")
    assert titles('"outside the home"') == ["Harm outside the home"]
    assert titles("harm -exploitation") == ["Harm at home"]


def test_drafts_are_never_found(db, titles):
    draft = IssueFactory(title="Next month")
    ArticleFactory(issue=draft, title="Embargoed news about fostering")
    ResourceFactory(article__issue=draft, title="Embargoed fostering briefing")
    assert titles("fostering") == []
    assert titles("embargoed") == []


def test_withdrawn_courses_and_unpublished_events_are_never_found(db, titles):
    CourseFactory(title="Retired fostering course", active=False)
    ExternalEventFactory(title="Private fostering event", published=False)
    assert titles("fostering") == []


def test_publishing_and_unpublishing_an_issue_adds_and_removes_its_articles(db, titles):
    from newsletter import services

    issue = IssueFactory()
    ArticleFactory(issue=issue, title="Fostering week")
    assert titles("fostering") == []
    services.issue_publish(issue=issue)
    assert titles("fostering") == ["Fostering week"]
    services.issue_unpublish(issue=issue)
    assert titles("fostering") == []


def test_title_matches_rank_above_body_matches_and_newer_first_among_equals(db, titles):
    old = IssueFactory(published=True, issue_date=timezone.localdate() - timedelta(days=400))
    new = IssueFactory(published=True, issue_date=timezone.localdate())
    ArticleFactory(issue=old, title="Neglect", summary="", body="<p>About it.</p>")
    ArticleFactory(issue=new, title="Neglect", summary="", body="<p>About it.</p>")
    ArticleFactory(issue=new, title="Other news", summary="", body="<p>Some neglect.</p>")
    hits = list(selectors.search(query="neglect").page)
    assert [str(h.title) for h in hits] == ["<mark>Neglect</mark>"] * 2 + ["Other news"]
    assert new.title in hits[0].context and old.title in hits[1].context


def test_course_results_show_the_next_date_and_places_left(db):
    course = CourseFactory(title="Fostering basics")
    later = SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=30))
    sooner = SessionFactory(course=course, capacity=5)
    BookingFactory.create_batch(2, session=sooner)
    hit = selectors.search(query="fostering").page[0]
    assert hit.next_session.pk == sooner.pk != later.pk
    assert hit.next_session.places_left == 3


def test_results_filter_by_kind_and_count_each_kind(db):
    CourseFactory(title="Fostering basics")
    ExternalEventFactory(title="Fostering conference")
    results = selectors.search(query="fostering", kind=Entry.Kind.EVENT)
    assert [str(h.title) for h in results.page] == ["<mark>Fostering</mark> conference"]
    assert results.total == 2
    assert {k.kind: k.count for k in results.kinds} == {"course": 1, "event": 1}


def test_results_are_paginated(db):
    CourseFactory.create_batch(selectors.PER_PAGE + 3, summary="Fostering for carers.")
    results = selectors.search(query="fostering", page_number=2)
    assert results.page.paginator.count == selectors.PER_PAGE + 3
    assert len(results.page) == 3


def test_highlighting_escapes_the_content_first(db):
    CourseFactory(title="Fostering <script>alert(1)</script> & more")
    hit = selectors.search(query="fostering").page[0]
    assert hit.title == "<mark>Fostering</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"


def test_the_simple_fallback_finds_every_word_and_highlights_it(db):
    CourseFactory(title="Fostering basics", summary="For new foster carers.")
    CourseFactory(title="Adoption basics")
    results = selectors.simple_search(query="fostering BASICS")
    assert [str(h.title) for h in results.page] == ["<mark>Fostering</mark> <mark>basics</mark>"]


def test_a_page_past_the_end_shows_the_last_page(db):
    CourseFactory.create_batch(selectors.PER_PAGE + 3, summary="Fostering for carers.")
    ExternalEventFactory(title="Fostering fair")
    results = selectors.search(query="fostering", page_number=99)
    assert results.page.number == 2 and len(results.page) == 4
    results = selectors.search(query="fostering", kind=Entry.Kind.COURSE, page_number=3)
    assert results.page.number == 2 and len(results.page) == 3
    assert all(h.kind == Entry.Kind.COURSE for h in results.page)
    assert results.total == selectors.PER_PAGE + 4


def test_a_kind_with_no_hits_shows_an_empty_page_with_the_other_counts(db):
    CourseFactory(title="Fostering basics")
    results = selectors.search(query="fostering", kind=Entry.Kind.EVENT)
    assert list(results.page) == [] and results.total == 1
