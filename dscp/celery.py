"""The Celery app, configured from Django settings under the CELERY namespace."""

import os

from celery import Celery, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dscp.settings")

app = Celery("dscp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    """Keep the worker's database connection between tasks, as gunicorn does between requests.

    Celery's Django fixup would close it around every task, so each send batch opened
    a new one (103 connections for 102 batches); settings turn that off with
    CELERY_DB_REUSE_MAX. A connection is still dropped when it is broken or older
    than CONN_MAX_AGE. Eager tasks run inside a web request, which handles its own.
    """
    if task is not None and not getattr(task.request, "is_eager", False):
        close_old_connections()
