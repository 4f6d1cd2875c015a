from datetime import date

import pytest
from django.utils import timezone

from training import demo, selectors
from training.models import Course, ExternalEvent, JobRole, Sector, Session

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seed_and_bookable_sessions_and_is_idempotent():
    first = demo.load()
    assert demo.load() == first
    dbs = Course.objects.get(slug="safer-recruitment-dbs-eligibility-workshop")
    seed_dates = [
        timezone.localtime(s.starts_at).date().isoformat()
        for s in dbs.sessions.filter(starts_at__year=2024)
    ]
    assert seed_dates == ["2024-02-06", "2024-03-12"]
    baby = Course.objects.get(slug="eyes-on-the-baby")
    assert [s.number for s in baby.strands.all()] == [1, 2, 3]
    assert baby.strands.get(number=3).roles.filter(name="Community Midwives").exists()
    assert {e.slug for e in ExternalEvent.objects.all()} == {
        "national-vulnerability-and-exploitation-conference-2024",
        "durham-dads-and-male-carers-conference-2023",
    }
    assert len(selectors.upcoming_sessions(limit=5)) == 5
    assert Session.objects.filter(starts_at__gt=timezone.now()).count() == 9


@pytest.mark.parametrize("days_ahead", range(0, 14))
def test_demo_dates_skip_weekends_christmas_and_new_year(days_ahead):
    day = demo.working_day(date(2026, 12, 20), days_ahead)
    assert day.weekday() < 5
    assert (day.month, day.day) not in {(12, 25), (12, 26), (1, 1)}


def test_demo_offers_every_sector_s_job_roles_each_said_of_one_person():
    demo.load()
    roles = {role.name: role for role in JobRole.objects.all()}
    for name in (
        "Teachers",
        "Designated Safeguarding Leads",
        "School Business Managers",
        "Recruiters and HR Officers",
        "Social Workers",
    ):
        assert name in roles, name
    assert not [r.name for r in roles.values() if not r.sector or not r.singular]
    assert {r.sector for r in roles.values()} == set(Sector.values)
    assert roles["Social Workers"].one == "a social worker"
    assert roles["Social Workers"].job_title == "Social worker"
    dbs = Course.objects.get(slug="safer-recruitment-dbs-eligibility-workshop")
    assert dbs.prerequisite.title == "Safeguarding Children: Introduction (Group A)"
