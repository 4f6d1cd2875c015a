"""Mail tasks that survive the broker: a row per task in PostgreSQL until the task has run.

How a mail task is kept (``dscp.dispatch`` does this for every ``@mail_task``):

1. ``enqueue`` writes a QueuedTask row in the caller's transaction and, once it
   commits, queues the task with the row's id. If the broker is down at that moment
   the row waits; the request still succeeds, since what it did is committed.
2. A run claims its row first (``task_claim``): a copy of the task whose row is gone
   (it ran) or held (it is running) does nothing. So a message Redis redelivers, or
   one beat queued again, never sends the email twice; only a worker killed between
   sending and deleting can, and the email is then the one that was in flight.
3. A run that ends (sent, or failed for good) deletes the row (``task_done``); one
   that will be tried again pushes ``due_at`` past its retry (``task_postpone``).
4. Beat's ``tasks_requeue_due`` queues again every row whose time has passed: the
   message was lost with a broker restart, or with a killed worker that held it. The
   wait is CELERY_VISIBILITY_TIMEOUT, after which Redis itself redelivers a task a
   worker took and never finished; a run holds its row as long, far longer than
   sending one email takes (a few SMTP steps of at most EMAIL_TIMEOUT each).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dscp.models import QueuedTask

logger = logging.getLogger(__name__)


def _requeue_after() -> timedelta:
    """How long a queued task may wait before it counts as lost, and how long a run holds
    it: Redis's own wait before it redelivers a task a worker took and never finished."""
    return timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])


def task_add(*, name: str, kwargs: dict) -> QueuedTask:
    """Record that task ``name`` must run with ``kwargs``; call it inside the transaction."""
    return QueuedTask.objects.create(
        name=name, kwargs=kwargs, due_at=timezone.now() + _requeue_after()
    )


def task_claim(*, pk: int) -> bool:
    """Hold the row for this run; False if it has run already or another run holds it."""
    now = timezone.now()
    return bool(
        QueuedTask.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk
        ).update(claimed_until=now + _requeue_after())
    )


def task_postpone(*, pk: int, seconds: float) -> None:
    """The run will be tried again in ``seconds``: free the row and wait that long more."""
    QueuedTask.objects.filter(pk=pk).update(
        claimed_until=None, due_at=timezone.now() + timedelta(seconds=seconds) + _requeue_after()
    )


def task_done(*, pk: int) -> None:
    QueuedTask.objects.filter(pk=pk).delete()


def tasks_due(*, limit: int = 500) -> list[QueuedTask]:
    """Rows past their time and held by no run: their message was lost. Each is given
    another such wait before it counts as lost again."""
    now = timezone.now()
    due = list(
        QueuedTask.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), due_at__lt=now
        )[:limit]
    )
    QueuedTask.objects.filter(pk__in=[row.pk for row in due]).update(due_at=now + _requeue_after())
    return due
