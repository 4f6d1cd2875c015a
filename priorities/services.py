"""Writes to priorities that are more than a plain admin edit."""

from collections.abc import Iterable

from django.db import transaction

from dscp.locking import bounded_lock_wait
from priorities.errors import PriorityError
from priorities.models import Action, ActionStatus


def action_mark_done(*, action_ids: Iterable[int]) -> int:
    """Mark these next steps done; return how many changed (ones already done are left alone)."""
    with transaction.atomic(), bounded_lock_wait(PriorityError):
        # Lock first so an edit saved at the same moment cannot undo the change unseen.
        pending = list(
            Action.objects.select_for_update()
            .filter(pk__in=list(action_ids))
            .exclude(status=ActionStatus.DONE)
            .order_by("pk")
        )
        for action in pending:
            action.status = ActionStatus.DONE
            # save() rather than update() so "last updated" moves with the status.
            action.save(update_fields=["status", "updated_at"])
        return len(pending)
