"""Celery tasks for sending issues: thin, idempotent, taking ids; the rules live in newsletter.services.

A send's batches try each delivery again on their own terms (leases, attempts);
the test send is a ``mail_task`` like every other email's task.
"""

from celery import shared_task

from dscp.dispatch import mail_task
from newsletter import services
from newsletter.models import Issue


@shared_task
def send_start_due():
    """Beat, every minute: start scheduled sends whose time has come."""
    services.send_start_due()


@shared_task
def issue_publish_due():
    """Beat, every minute: publish drafts whose publishing time has come."""
    services.issue_publish_due()


@shared_task
def send_expand(send_id: int):
    services.send_expand(send_id=send_id)


@shared_task
def send_batch(send_id: int):
    # Each batch queues the next, so a send is a chain of short tasks; a chain
    # lost with a broker is restarted by send_restart_stalled.
    next_in = services.send_batch(send_id=send_id)
    if next_in is not None:
        send_batch.apply_async((send_id,), countdown=next_in)


@shared_task
def send_restart_stalled():
    """Beat: restart sends whose batches stopped."""
    services.send_restart_stalled()


@mail_task
def send_test(issue_id: int, to: list[str]):
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is not None:  # deleted since staff asked for the test
        services.send_test(issue=issue, to=to)
