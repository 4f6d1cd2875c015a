"""Staff pages that list things run the same number of queries however much they list:
the issue page (articles and images for the text), its guidance links and resources,
a course's audience groups, events, bookings, sessions, a register and the policies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.models import IssueImage
from tests.factories import StaffFactory
from tests.newsletter.factories import (
    ArticleFactory,
    GuidanceLinkFactory,
    IssueFactory,
    ResourceFactory,
)
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    ExternalEventFactory,
    SessionFactory,
)
from training.models import Audience, Booking, NonAttendancePolicy, Sector

pytestmark = pytest.mark.django_db


class World:
    """One of each thing the staff pages list; ``grow`` adds more."""

    def __init__(self):
        self.issue = IssueFactory()
        self.course = CourseFactory()
        self.session = SessionFactory(course=self.course)
        self.size = 0
        self.grow(1)

    def grow(self, n: int) -> None:
        for _ in range(n):
            self.size += 1
            article = ArticleFactory(issue=self.issue)
            GuidanceLinkFactory(article=article)
            ResourceFactory(article=article)
            IssueImage.objects.create(
                issue=self.issue, image=f"newsletter/images/{self.size}.png", alt="A room"
            )
            Audience.objects.create(course=self.course, sector=Sector.values[self.size])
            ExternalEventFactory(session=SessionFactory())
            NonAttendancePolicy.objects.create(
                starts_on=f"{2000 + self.size}-04-01", action="warning"
            )
            BookingFactory(session=self.session)
            BookingFactory(
                session=self.session,
                status=Booking.Status.WAITLISTED,
                waitlist_position=self.size,
            )
            BookingFactory(
                session=self.session,
                status=Booking.Status.UNCONFIRMED,
                verified_at=None,
                hold_expires_at=self.session.starts_at,
            )


PAGES = {
    "issue": lambda w: reverse("admin:newsletter_issue_change", args=[w.issue.pk]),
    "guidance links and resources": lambda w: reverse(
        "admin:newsletter_issue_guidance", args=[w.issue.pk]
    ),
    "course": lambda w: reverse("admin:training_course_change", args=[w.course.pk]),
    "events": lambda w: reverse("admin:training_externalevent_changelist"),
    "bookings": lambda w: reverse("admin:training_booking_changelist"),
    "sessions": lambda w: reverse("admin:training_session_changelist"),
    "register": lambda w: reverse("admin:training_session_register", args=[w.session.pk]),
    "non-attendance policies": lambda w: reverse("admin:training_nonattendancepolicy_changelist"),
}


@pytest.mark.parametrize("page", PAGES)
def test_staff_page_queries_do_not_grow_with_what_it_lists(client, django_assert_num_queries, page):
    client.force_login(StaffFactory(is_superuser=True))
    world = World()
    url = PAGES[page](world)
    assert client.get(url).status_code == 200  # the session, user and first-use lookups
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    world.grow(4)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
