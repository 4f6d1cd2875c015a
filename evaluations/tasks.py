"""Thin Celery tasks for evaluations: each calls one service."""

from celery import shared_task

from evaluations import services


@shared_task
def invitations_send_due() -> int:
    return services.invitations_send_due()
