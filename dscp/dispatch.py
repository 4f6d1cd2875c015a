"""How a service queues a Celery task: by its registered name, once the transaction commits.

Services never import their app's ``tasks`` module (tasks import services, so that
would be a cycle). They call::

    dispatch.enqueue("training.tasks.booking_send_confirmation", booking_id=booking.pk)

The name is the task's dotted path, so grep finds every caller. It is checked at
once, inside the service, so a typo fails the request rather than vanishing after
commit; the message is sent only if the transaction commits, so a worker never
reads a row that was rolled back. With ``CELERY_TASK_ALWAYS_EAGER`` the task runs
in-process at commit, as ``apply_async`` does.
"""

from importlib import import_module

from celery import Task
from django.db import transaction

from dscp.celery import app


def task_named(name: str) -> Task:
    """The registered task called ``name``, importing its module first if need be."""
    module, _, _ = name.rpartition(".")
    # A web process has not imported every tasks module; importing one registers its tasks.
    import_module(module)
    return app.tasks[name]


def enqueue(task_name: str, /, **kwargs) -> None:
    """Queue task ``task_name`` with ``kwargs`` (ids and plain values) after the current transaction commits."""
    task = task_named(task_name)
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
