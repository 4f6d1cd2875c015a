"""Thin Celery tasks for evaluations: each calls one service; one that sends email is a
``mail_task``, so a busy relay is tried again."""

from dscp.dispatch import mail_task
from evaluations import services


@mail_task
def invitations_send_due() -> int:
    return services.invitations_send_due()
