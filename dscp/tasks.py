"""The toolkit's own periodic work."""

from celery import shared_task

from dscp import dispatch


@shared_task
def tasks_requeue_due() -> int:
    return dispatch.tasks_requeue_due()
