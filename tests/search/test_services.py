"""The index follows the content: saves anywhere (admin included), deletes, and rebuilds."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from search import services
from search.models import Entry
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, ResourceFactory
from tests.priorities.factories import AchievementFactory, ActionFactory, PriorityFactory
from tests.training.factories import (
    CourseFactory,
    ExternalEventFactory,
    JobRoleFactory,
    SessionFactory,
    StrandFactory,
)

# The index is refreshed when the content's transaction commits, so each test
# lets its saves commit, as the site does (pytest-django's plain ``db`` never commits).
pytestmark = pytest.mark.django_db(transaction=True)


def test_unpublishing_an_event_in_admin_takes_it_out_of_search(client, db, titles):
    event = ExternalEventFactory(title="Fostering conference")
    assert titles("fostering") == ["Fostering conference"]
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:training_externalevent_change", args=[event.pk]),
        {
            "title": "Fostering conference",
            "slug": event.slug,
            "summary": event.summary,
            "organiser": event.organiser,
            "starts_on": event.starts_on.isoformat(),
            "attendance": event.attendance,
            # "published" left unticked.
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert titles("fostering") == []


def test_editing_a_title_changes_what_finds_it(db, titles):
    course = CourseFactory(title="Fostering basics")
    course.title = "Kinship care basics"
    course.save()
    assert titles("fostering") == []
    assert titles("kinship") == ["Kinship care basics"]


def test_deleting_content_removes_its_entries(db, titles):
    resource = ResourceFactory(article__issue__published=True, title="Fostering briefing")
    ArticleFactory(issue=resource.article.issue, title="Fostering news")
    assert len(titles("fostering")) == 2
    resource.article.issue.delete()
    assert titles("fostering") == []
    assert not Entry.objects.exists()


def test_a_priority_is_found_by_its_achievements_and_next_steps(db, titles):
    priority = PriorityFactory(title="Harm Outside the Home")
    AchievementFactory(priority=priority, text="Trained 300 taxi drivers")
    action = ActionFactory(priority=priority, description="Map county lines")
    # The factory numbers priorities in sequence across the run: name it as it is.
    assert titles("taxi drivers") == [str(priority)]
    assert titles("county lines") == [str(priority)]
    action.delete()
    assert titles("county lines") == []


def test_a_course_is_found_by_its_strands_roles_and_venues(db, titles):
    course = CourseFactory(title="Eyes on the Baby")
    strand = StrandFactory(course=course, title="Direct support to families")
    strand.roles.add(JobRoleFactory(name="Health Visitor"))
    SessionFactory(course=course, venue="Spennymoor Leisure Centre")
    assert titles("health visitor") == ["Eyes on the Baby"]
    assert titles("spennymoor") == ["Eyes on the Baby"]
    assert titles("direct support") == ["Eyes on the Baby"]


def test_withdrawing_a_course_removes_it_and_restoring_brings_it_back(db, titles):
    course = CourseFactory(title="Fostering basics")
    course.active = False
    course.save()
    assert titles("fostering") == []
    course.active = True
    course.save()
    assert titles("fostering") == ["Fostering basics"]


def test_rebuild_catches_up_writes_that_sent_no_signals(db, titles):
    course = CourseFactory(title="Fostering basics")
    type(course).objects.filter(pk=course.pk).update(active=False)
    ExternalEventFactory.build(title="Fostering fair", starts_on=timezone.localdate()).save()
    type(course).objects.filter(pk=course.pk).update(title="Fostering advanced", active=True)
    assert titles("advanced") == []
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert "Training course: 1" in out.getvalue()
    assert sorted(titles("fostering")) == ["Fostering advanced", "Fostering fair"]


def test_the_rebuild_runs_every_night():
    schedule = {s["task"] for s in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "search.tasks.index_rebuild" in schedule


def test_refresh_of_the_same_course_twice_keeps_one_entry(db):
    course = CourseFactory(title="Fostering basics")
    services.entries_refresh(kind=Entry.Kind.COURSE, ids=[course.pk])
    services.entries_refresh(kind=Entry.Kind.COURSE, ids=[course.pk])
    assert Entry.objects.filter(kind=Entry.Kind.COURSE, object_id=course.pk).count() == 1


def test_a_past_session_venue_is_dropped_on_rebuild(db, titles):
    course = CourseFactory(title="Fostering basics")
    session = SessionFactory(course=course, venue="Consett Library")
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    services.index_rebuild()
    assert titles("consett") == []


def test_a_save_of_many_rows_refreshes_their_entry_once_when_it_commits(titles):
    # As an admin save with inlines does: a course, its strands and sessions, one transaction.
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        course = CourseFactory(title="Fostering basics")
        for venue in ["Consett Library", "Spennymoor Leisure Centre", "Durham Town Hall"]:
            StrandFactory(course=course)
            SessionFactory(course=course, venue=venue)
        assert titles("fostering") == []  # not yet committed
    upserts = [q for q in queries if q["sql"].startswith('INSERT INTO "search_entry"')]
    assert len(upserts) == 1
    assert titles("spennymoor") == ["Fostering basics"]
