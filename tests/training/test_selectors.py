"""Reads behind the public course, event and booking pages."""

import pytest

from training import selectors

from .factories import CourseFactory, ExternalEventFactory, JobRoleFactory

pytestmark = pytest.mark.django_db


def test_a_course_page_shows_only_an_active_course():
    course = CourseFactory(slug="first-aid")
    CourseFactory(slug="withdrawn", active=False)
    assert selectors.public_course(slug="first-aid") == course
    assert selectors.public_course(slug="withdrawn") is None
    assert selectors.public_course(slug="no-such-course") is None


def test_an_event_page_shows_only_a_published_event():
    event = ExternalEventFactory(slug="week", published=True)
    ExternalEventFactory(slug="draft", published=False)
    assert selectors.public_event(slug="week") == event
    assert selectors.public_event(slug="draft") is None


def test_a_job_role_is_found_by_its_slug_whatever_is_typed_after_the_limit():
    role = JobRoleFactory(name="Social Worker")
    assert selectors.job_role(slug="social-worker") == role
    assert selectors.job_role(slug="x" * 10_000) is None
