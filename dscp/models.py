"""The one table of the toolkit: tasks that must run, kept in PostgreSQL until they have."""

from django.db import models


class QueuedTask(models.Model):
    """A mail task asked for by a transaction that committed, until it has run.

    The broker (Redis) holds the task's message, but a broker restart loses what it
    holds, and so does a worker killed while it waits to retry one. This row is written
    in the same transaction as the change the email tells of, so the two stand or fall
    together; the task deletes it once it has run, and beat queues again any row still
    here after its time (``dscp.outbox``).
    """

    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Past this, the task should have run (or be running): beat queues it again.
    due_at = models.DateTimeField(db_index=True)
    # A run holds the row until then, so two copies of the task never both send.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "queued task"
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.kwargs}"
