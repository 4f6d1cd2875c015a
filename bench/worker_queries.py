"""Counts each Celery task's database queries and connections inside the benchmark's worker.

bench/send.py starts the worker with ``--include bench.worker_queries``, so this
module is imported by the worker's main process before its pool forks and the
signal handlers below run in every pool process. For each task it appends one
JSON line to the file named by ``BENCH_QUERY_LOG``: the task's name, the queries
it ran through Django (what ``django_assert_num_queries`` counts: transaction
BEGIN/COMMIT and the driver's own connection set-up are not queries), how many
new database connections it opened and how many SMTP connections. Counting
changes nothing the task does.
"""

import json
import os
import smtplib

from celery import signals
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver


class _TaskCount:
    def __init__(self) -> None:
        self.queries = 0
        self.connections = 0
        self.smtp_connections = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


# One pool process runs one task at a time; keyed by task id all the same.
_running: dict[str, _TaskCount] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, **kwargs) -> None:
    count = _TaskCount()
    _running[task_id] = count
    connection.execute_wrappers.append(count)


@receiver(connection_created)
def _connection_opened(**kwargs) -> None:
    for count in _running.values():
        count.connections += 1


_smtp_connect = smtplib.SMTP.connect


def _counted_smtp_connect(self, *args, **kwargs):
    for count in _running.values():
        count.smtp_connections += 1
    return _smtp_connect(self, *args, **kwargs)


smtplib.SMTP.connect = _counted_smtp_connect


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, **kwargs) -> None:
    count = _running.pop(task_id, None)
    if count is None:
        return
    connection.execute_wrappers.remove(count)
    line = {
        "task": task.name,
        "queries": count.queries,
        "connections": count.connections,
        "smtp_connections": count.smtp_connections,
    }
    with open(os.environ["BENCH_QUERY_LOG"], "a") as log:
        log.write(json.dumps(line) + "\n")
