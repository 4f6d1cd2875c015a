"""Every public page runs the same number of queries however much content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.newsletter.factories import (
    ArticleFactory,
    GuidanceLinkFactory,
    IssueFactory,
    ResourceFactory,
    SectionFactory,
)
from tests.priorities.factories import (
    AchievementFactory,
    ActionFactory,
    DocumentFactory,
    LearningCycleFactory,
    LearningPointFactory,
    PhaseFactory,
    PriorityFactory,
)
from tests.training.factories import (
    AgencyFactory,
    BookingFactory,
    CourseFactory,
    ExternalEventFactory,
    JobRoleFactory,
    SessionFactory,
    StrandFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uncached(settings):
    # Count the queries a page really runs, not a cache hit.
    settings.PAGE_CACHE_SECONDS = 0


class World:
    """One of each thing public pages show, linked as real content is; ``grow`` adds more."""

    def __init__(self):
        self.priority = PriorityFactory()
        self.course = CourseFactory(priority=self.priority)
        self.issue = IssueFactory(published=True)
        self.event = ExternalEventFactory(priority=self.priority)
        self.article = ArticleFactory(
            issue=self.issue, priority=self.priority, course=self.course, event=self.event
        )
        self.session = SessionFactory(course=self.course)
        # An event booked here: its page shows the places left on its session.
        self.booked_event = ExternalEventFactory(priority=self.priority, session=self.session)
        self.grow(1)

    def grow(self, n: int) -> None:
        for _ in range(n):
            section = SectionFactory()
            article = ArticleFactory(issue=self.issue, section=section, priority=self.priority)
            GuidanceLinkFactory(article=article)
            ResourceFactory(article=article)
            ArticleFactory(issue=IssueFactory(published=True))
            cycle = LearningCycleFactory(priority=self.priority)
            PhaseFactory(cycle=cycle)
            ActionFactory(priority=self.priority)
            AchievementFactory(priority=self.priority)
            LearningPointFactory(priority=self.priority)
            DocumentFactory(priority=self.priority)
            PriorityFactory()
            strand = StrandFactory(course=self.course)
            strand.roles.add(JobRoleFactory())
            session = SessionFactory(course=self.course, strand=strand)
            BookingFactory(session=session)
            BookingFactory(session=self.session)
            other = CourseFactory(priority=self.priority)
            SessionFactory(course=other)
            ExternalEventFactory(priority=self.priority)
            AgencyFactory()


PAGES = {
    "home": lambda w: reverse("home"),
    "newsletter archive": lambda w: reverse("newsletter:issue_list"),
    "issue": lambda w: w.issue.get_absolute_url(),
    "article": lambda w: w.article.get_absolute_url(),
    "priorities": lambda w: reverse("priorities:priority_list"),
    "priority": lambda w: w.priority.get_absolute_url(),
    "course finder": lambda w: reverse("training:course_list"),
    "course finder, filtered": lambda w: (
        reverse("training:course_list") + "?has_places=on&format=in_person"
    ),
    "course": lambda w: w.course.get_absolute_url(),
    "booking page": lambda w: w.session.get_absolute_url(),
    "events": lambda w: reverse("training:event_list"),
    "event": lambda w: w.event.get_absolute_url(),
    "event booked here": lambda w: w.booked_event.get_absolute_url(),
}


@pytest.mark.parametrize("page", PAGES)
def test_public_page_queries_do_not_grow_with_content(client, django_assert_num_queries, page):
    world = World()
    url = PAGES[page](world)
    assert client.get(url).status_code == 200  # the process's own first-use lookups
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    world.grow(5)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
