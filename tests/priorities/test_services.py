import pytest

from priorities.models import ActionStatus
from priorities.services import action_mark_done
from tests.priorities.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_marking_done_changes_status_and_last_updated():
    action = ActionFactory(status=ActionStatus.AT_RISK)
    before = action.updated_at
    assert action_mark_done(action_ids=[action.pk]) == 1
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.updated_at > before


def test_marking_done_twice_changes_nothing_the_second_time():
    action = ActionFactory()
    action_mark_done(action_ids=[action.pk])
    action.refresh_from_db()
    updated = action.updated_at
    assert action_mark_done(action_ids=[action.pk]) == 0
    action.refresh_from_db()
    assert action.updated_at == updated


def test_marking_done_counts_only_the_ones_that_were_open():
    open_steps = ActionFactory.create_batch(3)
    finished = ActionFactory(status=ActionStatus.DONE)
    assert action_mark_done(action_ids=[a.pk for a in [*open_steps, finished]]) == 3
