"""How a service queues a Celery task: by its registered name, once the transaction commits.

Services never import their app's ``tasks`` module (tasks import services, so that
would be a cycle). They call::

    dispatch.enqueue("training.tasks.booking_send_confirmation", booking_id=booking.pk)

The name is the task's dotted path, so grep finds every caller. It is checked at
once, inside the service, so a typo fails the request rather than vanishing after
commit; the message is sent only if the transaction commits, so a worker never
reads a row that was rolled back. With ``CELERY_TASK_ALWAYS_EAGER`` the task runs
in-process at commit, as ``apply_async`` does.

Every task that sends email is declared with ``@mail_task`` instead of
``@shared_task``. The task takes ids, reloads its rows (nothing to do if they have
gone), and calls one notification or service, which decides from the rows' state
whether its email is still true; ``mail_task`` tries it again after a transient
failure (a busy or unreachable relay, a busy row lock), a bounded number of times
with doubling waits, so a late or repeated run says nothing untrue.

A mail task is also kept in PostgreSQL until it has run (``dscp.outbox``): a broker
restart, or a worker killed while it held the task, loses the message, and beat
queues it again from its row; a copy that finds its row gone or held sends nothing.
"""

import functools
import logging
import smtplib
from collections.abc import Callable
from importlib import import_module

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from dscp import outbox
from dscp.celery import app
from dscp.errors import DomainError
from dscp.locking import BUSY

# A mail task tries again after 30 s, 1, 2, 4 and 8 minutes: a relay that is
# restarting or busy has a quarter of an hour to come back before the task fails.
MAIL_RETRIES = 5
MAIL_RETRY_FIRST_SECONDS = 30
# The keyword a kept task's message carries: the id of its QueuedTask row.
QUEUED_TASK = "queued_task"

logger = logging.getLogger(__name__)


def task_named(name: str) -> Task:
    """The registered task called ``name``, importing its module first if need be."""
    module, _, _ = name.rpartition(".")
    # A web process has not imported every tasks module; importing one registers its tasks.
    import_module(module)
    return app.tasks[name]


def enqueue(task_name: str, /, **kwargs) -> None:
    """Queue task ``task_name`` with ``kwargs`` (ids and plain values) after the current transaction commits."""
    task = task_named(task_name)
    if not getattr(task, "kept", False):
        transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
        return
    row = outbox.task_add(name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: _queue_kept(task, row.pk, kwargs))


def _queue_kept(task: Task, pk: int, kwargs: dict) -> None:
    try:
        task.apply_async(kwargs={**kwargs, QUEUED_TASK: pk})
    except BrokerUnavailable as error:
        # What the task tells of is committed, and so is its row: beat queues it once
        # the broker is back, so the request that asked for it has still succeeded.
        logger.warning("task %s (%s) left for beat to queue: %s", task.name, pk, error)


def tasks_requeue_due() -> int:
    """Queue again every kept task whose message was lost; beat runs this."""
    rows = outbox.tasks_due()
    for row in rows:
        task_named(row.name).apply_async(kwargs={**row.kwargs, QUEUED_TASK: row.pk})
    return len(rows)


def mail_retry_delay(retries: int) -> int:
    """Seconds before try number ``retries + 2`` of a mail task: doubling each time."""
    return MAIL_RETRY_FIRST_SECONDS * 2**retries


def is_transient(error: BaseException) -> bool:
    """Whether the same email may well go through if tried again in a while.

    A refused connection, a dropped one, a timeout or a 4xx reply are; a 5xx reply
    (no such mailbox, bad credentials) or any other error will fail the same way
    again. So is a row lock that was busy (``dscp.locking``), and so is a database
    that is restarting (its connection lost or refused), unlike a query that is wrong.
    """
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DomainError):
        return error.code == BUSY
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)  # refused, reset, timed out, no route, DNS


def mail_task(send: Callable) -> Task:
    """Make ``send`` (a function of ids) the task of its name, tried again on a transient
    failure ``MAIL_RETRIES`` times, waits doubling; then its error stands.

    Every task that sends email is one; the function itself stays thin (reload the
    rows by id, return if they have gone, call one notification or service).
    """

    @functools.wraps(send)
    def run(task: Task, *args, queued_task: int | None = None, **kwargs):
        if queued_task is not None and not outbox.task_claim(pk=queued_task):
            return None  # it has run already, or another copy of it is running
        try:
            result = send(*args, **kwargs)
        except Exception as error:
            again = is_transient(error) and task.request.retries < task.max_retries
            countdown = mail_retry_delay(task.request.retries)
            if queued_task is not None:
                if again:
                    outbox.task_postpone(pk=queued_task, seconds=countdown)
                else:
                    outbox.task_done(pk=queued_task)
            if not is_transient(error):
                raise
            # A worker gets Retry raised and queues the next try. Run eagerly (tests,
            # CELERY_TASK_ALWAYS_EAGER) Retry is returned instead, for apply() to run the
            # next try at once: raised, eager propagation would end the task there.
            return task.retry(exc=error, countdown=countdown, throw=not task.request.is_eager)
        if queued_task is not None:
            outbox.task_done(pk=queued_task)
        return result

    # kept: the task is kept in PostgreSQL until it has run (dscp.outbox).
    return shared_task(
        bind=True, name=f"{send.__module__}.{send.__name__}", max_retries=MAIL_RETRIES, kept=True
    )(run)
