import pytest

from priorities import demo, selectors
from priorities.models import Action, Document, LearningCycle, Phase, Priority

pytestmark = pytest.mark.django_db


def test_demo_creates_the_four_priorities_with_their_slugs_and_contacts():
    demo.load()
    assert list(Priority.objects.values_list("number", "slug")) == [
        (1, "domestic-abuse"),
        (2, "harm-outside-the-home"),
        (3, "the-first-1001-days"),
        (4, "mental-health-and-wellbeing"),
    ]
    domestic_abuse = Priority.objects.get(number=1)
    assert "Laura Bywater" in domestic_abuse.lead
    assert "Vicki Vickerson" in domestic_abuse.lead
    assert domestic_abuse.contact_email == "DSCPSecure@durham.gov.uk"


def test_demo_domestic_abuse_has_the_capva_cycle_and_themed_next_steps():
    demo.load()
    cycle = LearningCycle.objects.get(priority__slug="domestic-abuse")
    assert "CAPVA" in cycle.title
    assert cycle.phases.count() == 6
    assert cycle.phases.get(number=6).status == "in_progress"
    themes = set(
        Action.objects.filter(priority__slug="domestic-abuse").values_list("theme__name", flat=True)
    )
    assert themes == {"Communication", "Evaluation", "Data", "Training"}
    assert Priority.objects.get(slug="domestic-abuse").achievements.count() == 3
    assert Priority.objects.get(slug="domestic-abuse").learning_points.count() == 3


def test_demo_carries_the_conference_eyes_on_the_baby_and_the_report():
    demo.load()
    conference = Document.objects.get(priority__slug="harm-outside-the-home")
    assert "7 to 8 March 2024" in conference.title
    assert "Ryton" in conference.summary
    assert "Eyes on the Baby" in Priority.objects.get(number=3).achievements.get().text
    report = Document.objects.get(priority__slug="mental-health-and-wellbeing")
    assert report.title == "Children at the Table"
    assert report.url.startswith("https://")


def test_demo_loads_twice_without_duplicates():
    first = demo.load()
    counts = [m.objects.count() for m in (Priority, Phase, Action, Document)]
    assert demo.load() == first
    assert [m.objects.count() for m in (Priority, Phase, Action, Document)] == counts


def test_demo_progress_reads_as_the_issue_describes():
    demo.load()
    domestic_abuse = selectors.priority_overview()[0]
    assert domestic_abuse.progress.text == "1 of 6 next steps done, 5 overdue, 0 at risk"
    assert domestic_abuse.progress.phase_text.startswith("Phase 6 of 6 (in progress)")
