"""The staff home's reads: each from its own app's selectors, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from newsletter import selectors as newsletter
from priorities import selectors as priorities
from subscriptions import selectors as subscriptions
from training import selectors as training

UPCOMING = timedelta(weeks=4)


@dataclass(frozen=True)
class StaffHome:
    issues: list  # drafts and issues with a send to come, annotated with their plan
    last_send: object | None
    last_send_progress: object | None
    unsubscribes_since_last_send: int
    sessions: list
    registers: list
    overdue: list[dict]
    months: list[date]
    growth: list


def staff_home() -> StaffHome:
    """Everything the staff home shows."""
    now = timezone.now()
    send = newsletter.last_send()
    months, growth = subscriptions.list_growth(months=12)
    return StaffHome(
        issues=newsletter.issues_in_hand(),
        last_send=send,
        last_send_progress=newsletter.send_progress(send=send) if send else None,
        unsubscribes_since_last_send=(
            subscriptions.unsubscribes_since(since=send.started_at) if send else 0
        ),
        sessions=training.sessions_starting_between(start=now, end=now + UPCOMING),
        registers=training.registers_to_mark(now=now),
        overdue=priorities.overdue_by_owner(),
        months=months,
        growth=growth,
    )
