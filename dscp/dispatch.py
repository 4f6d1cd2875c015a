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
"""

import functools
import smtplib
from collections.abc import Callable
from importlib import import_module

from celery import Task, shared_task
from django.db import transaction

from dscp.celery import app
from dscp.errors import DomainError
from dscp.locking import BUSY

# A mail task tries again after 30 s, 1, 2, 4 and 8 minutes: a relay that is
# restarting or busy has a quarter of an hour to come back before the task fails.
MAIL_RETRIES = 5
MAIL_RETRY_FIRST_SECONDS = 30


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


def mail_retry_delay(retries: int) -> int:
    """Seconds before try number ``retries + 2`` of a mail task: doubling each time."""
    return MAIL_RETRY_FIRST_SECONDS * 2**retries


def is_transient(error: BaseException) -> bool:
    """Whether the same email may well go through if tried again in a while.

    A refused connection, a dropped one, a timeout or a 4xx reply are; a 5xx reply
    (no such mailbox, bad credentials) or any other error will fail the same way
    again. So is a row lock that was busy (``dscp.locking``).
    """
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
    def run(task: Task, *args, **kwargs):
        try:
            return send(*args, **kwargs)
        except Exception as error:
            if not is_transient(error):
                raise
            # A worker gets Retry raised and queues the next try. Run eagerly (tests,
            # CELERY_TASK_ALWAYS_EAGER) Retry is returned instead, for apply() to run the
            # next try at once: raised, eager propagation would end the task there.
            return task.retry(
                exc=error,
                countdown=mail_retry_delay(task.request.retries),
                throw=not task.request.is_eager,
            )

    return shared_task(
        bind=True, name=f"{send.__module__}.{send.__name__}", max_retries=MAIL_RETRIES
    )(run)
