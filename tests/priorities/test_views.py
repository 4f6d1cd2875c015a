from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from priorities import selectors
from priorities.models import ActionStatus, PhaseStatus
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory
from tests.priorities import uploads
from tests.priorities.factories import (
    AchievementFactory,
    ActionFactory,
    DocumentFactory,
    LearningCycleFactory,
    LearningPointFactory,
    PhaseFactory,
    PriorityFactory,
    ThemeFactory,
)
from tests.training.factories import CourseFactory

pytestmark = pytest.mark.django_db

THEMES = ["Communication", "Evaluation", "Data", "Training"]
# Public pages, whatever the number of next steps: the priorities with their counts,
# cycles and phases (overview); the priority, each kind of thing on its page, and the
# training courses and newsletter articles that name it, and its training's impact
# from registers and evaluations (detail).
OVERVIEW_QUERIES = 3
DETAIL_QUERIES = 11


def full_priority(number: int, actions: int):
    """A priority with a cycle of phases, achievements, learning, documents and ``actions`` next steps."""
    priority = PriorityFactory(number=number, slug=f"full-{number}")
    cycle = LearningCycleFactory(priority=priority)
    for n, status in enumerate([PhaseStatus.COMPLETE, PhaseStatus.IN_PROGRESS], start=1):
        phase = PhaseFactory(cycle=cycle, number=n, status=status)
    PhaseFactory(cycle=cycle, number=3)
    AchievementFactory(priority=priority)
    LearningPointFactory(priority=priority, phase=phase)
    DocumentFactory(priority=priority)
    add_actions(priority, actions)
    return priority


def add_actions(priority, count: int, already: int = 0) -> None:
    """Next steps cycling through the four statuses, carrying on after ``already`` of them."""
    statuses = list(ActionStatus)
    for i in range(already, already + count):
        ActionFactory(
            priority=priority,
            theme=ThemeFactory(name=THEMES[i % len(THEMES)]),
            status=statuses[i % len(statuses)],
        )


def assert_lists_every_next_step(response, priority) -> None:
    html = response.content.decode()
    for description in priority.actions.values_list("description", flat=True):
        assert f">{description}</td>" in html, description


def test_overview_queries_stay_constant_as_next_steps_grow_from_5_to_200(
    client, django_assert_num_queries
):
    priorities = [full_priority(n, actions=5) for n in range(1, 5)]
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("priorities:priority_list"))
    assert "1 of 5 next steps done, 1 at risk" in response.content.decode()

    for priority in priorities:
        add_actions(priority, 195, already=5)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("priorities:priority_list"))
    assert "50 of 200 next steps done, 50 at risk" in response.content.decode()


def test_detail_queries_stay_constant_as_next_steps_grow_from_5_to_200(
    client, django_assert_num_queries
):
    priority = full_priority(1, actions=5)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(priority.get_absolute_url())
    assert_lists_every_next_step(response, priority)

    add_actions(priority, 195, already=5)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(priority.get_absolute_url())
    assert_lists_every_next_step(response, priority)


def test_overview_lists_only_active_priorities_in_order_with_their_progress(client):
    PriorityFactory(number=2, title="Harm Outside the Home", order=2)
    PriorityFactory(number=1, title="Domestic Abuse", order=1)
    PriorityFactory(number=5, title="Retired", active=False)
    html = client.get(reverse("priorities:priority_list")).content.decode()
    assert html.index("Priority 1: Domestic Abuse") < html.index("Priority 2: Harm Outside")
    assert "Retired" not in html
    assert html.count("No next steps set yet") == 2
    assert html.count("<h1") == 1


def test_progress_is_shown_as_words_and_as_a_labelled_bar(client):
    priority = full_priority(1, actions=0)
    ActionFactory(priority=priority, status=ActionStatus.DONE)
    ActionFactory(priority=priority, status=ActionStatus.AT_RISK)
    ActionFactory(priority=priority, status=ActionStatus.ON_TRACK)
    for url in [reverse("priorities:priority_list"), priority.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert f'id="progress-{priority.slug}"><strong>1 of 3 next steps done, 1 at risk' in html
        assert (
            f'<progress class="dscp-progress" max="3" value="1" '
            f'aria-labelledby="progress-{priority.slug}">1 of 3</progress>'
        ) in html
        assert "Phase 2 of 3 (in progress)" in html


def test_detail_shows_phases_in_order_and_next_steps_grouped_by_theme(client):
    priority = PriorityFactory()
    cycle = LearningCycleFactory(priority=priority, title="CAPVA")
    PhaseFactory(cycle=cycle, number=2, title="Hearing from families")
    PhaseFactory(cycle=cycle, number=1, title="Setting the question", status="complete")
    ActionFactory(priority=priority, theme=ThemeFactory(name="Training"), description="Roll out")
    ActionFactory(
        priority=priority,
        theme=ThemeFactory(name="Communication"),
        description="Brief partners",
        owner="DSCP Business Unit",
        due_date=date(2030, 6, 30),
        status=ActionStatus.AT_RISK,
    )
    html = client.get(priority.get_absolute_url()).content.decode()
    assert html.index("Phase 1: Setting the question") < html.index("Phase 2: Hearing from")
    assert html.index(">Communication</caption>") < html.index(">Training</caption>")
    assert html.index("Brief partners") < html.index("Roll out")
    assert "30 June 2030" in html
    assert ">At risk</strong>" in html


def test_overdue_next_step_says_so_in_words(client):
    action = ActionFactory(start_date=None, due_date=date(2020, 1, 31))
    html = client.get(action.priority.get_absolute_url()).content.decode()
    assert ">Overdue</strong>" in html


def test_an_overdue_step_is_not_also_on_track(client):
    action = ActionFactory(start_date=None, due_date=date(2020, 1, 31), status="on_track")
    html = client.get(action.priority.get_absolute_url()).content.decode()
    assert ">Overdue</strong>" in html
    assert "On track" not in html


def test_summaries_count_overdue_steps_once(client):
    priority = PriorityFactory()
    for status in ["on_track", "at_risk", "not_started"]:
        ActionFactory(priority=priority, start_date=None, due_date=date(2020, 1, 31), status=status)
    ActionFactory(priority=priority, status="at_risk")
    ActionFactory(priority=priority, start_date=None, due_date=date(2020, 1, 31), status="done")
    summary = "1 of 5 next steps done, 3 overdue, 1 at risk"
    assert summary in client.get(reverse("home")).content.decode()
    assert summary in client.get(reverse("priorities:priority_list")).content.decode()
    assert summary in client.get(priority.get_absolute_url()).content.decode()


def test_detail_offers_the_lead_and_contact(client):
    priority = PriorityFactory(
        lead="Laura Bywater or Vicki Vickerson", contact_email="DSCPSecure@durham.gov.uk"
    )
    html = client.get(priority.get_absolute_url()).content.decode()
    assert "contact Laura Bywater or Vicki Vickerson at" in html
    assert 'href="mailto:DSCPSecure@durham.gov.uk"' in html


@pytest.mark.parametrize("active", [True, False])
def test_unknown_or_inactive_priority_is_a_404_in_the_sites_look(client, active):
    PriorityFactory(slug="retired", active=False)
    slug = "no-such-priority" if active else "retired"
    response = client.get(reverse("priorities:priority_detail", kwargs={"slug": slug}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Skip to main content" in html


def test_priority_overview_gives_the_home_page_counts_and_phase():
    full_priority(1, actions=8)
    PriorityFactory(number=2)
    overview = selectors.priority_overview()
    first, second = overview
    assert (first.progress.done, first.progress.at_risk, first.progress.total) == (2, 2, 8)
    assert first.progress.phase.number == 2
    assert first.progress.phase_count == 3
    assert second.progress.text == "No next steps set yet"
    assert second.progress.phase is None


def test_a_post_to_a_priority_page_is_refused(client):
    priority = PriorityFactory()
    assert client.post(priority.get_absolute_url()).status_code == 405


def test_detail_shows_training_and_newsletter_articles_that_name_the_priority(client):
    priority = PriorityFactory()
    CourseFactory(priority=priority, title="Eyes on the Baby")
    CourseFactory(priority=priority, title="Retired course", active=False)
    ArticleFactory(priority=priority, issue=IssueFactory(published=True), title="CAPVA update")
    ArticleFactory(priority=priority, issue=IssueFactory(), title="Draft news")
    html = client.get(priority.get_absolute_url()).content.decode()
    assert "Training on this priority" in html
    assert "Eyes on the Baby" in html
    assert "Retired course" not in html
    assert "In the newsletter" in html
    assert "CAPVA update" in html
    assert "Draft news" not in html


def test_detail_leaves_out_training_and_newsletter_when_nothing_names_it(client):
    html = client.get(PriorityFactory().get_absolute_url()).content.decode()
    assert "Training on this priority" not in html
    assert "In the newsletter" not in html


def test_a_priority_document_downloads_and_an_inactive_prioritys_is_for_staff_only(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = DocumentFactory(url="", file=uploads.docx("action-plan.docx"))
    response = client.get(document.href)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["X-Content-Type-Options"] == "nosniff"

    document.priority.active = False
    document.priority.save()
    assert client.get(document.href).status_code == 404
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(staff)
    assert client.get(document.href).status_code == 200


def test_each_status_has_its_own_tag_colour(client):
    # The tags compare statuses by name (phase.Status.COMPLETE): a misspelt name would
    # quietly turn every tag grey.
    priority = PriorityFactory()
    cycle = LearningCycleFactory(priority=priority)
    PhaseFactory(cycle=cycle, number=1, status=PhaseStatus.COMPLETE)
    PhaseFactory(cycle=cycle, number=2, status=PhaseStatus.IN_PROGRESS)
    for status in [ActionStatus.DONE, ActionStatus.AT_RISK, ActionStatus.ON_TRACK]:
        ActionFactory(priority=priority, status=status)
    html = client.get(priority.get_absolute_url()).content.decode()
    assert 'govuk-tag--green">Complete<' in html
    assert 'govuk-tag--blue">In progress<' in html
    assert 'govuk-tag--green">Done<' in html
    assert 'govuk-tag--red">At risk<' in html
    assert 'govuk-tag--blue">On track<' in html
