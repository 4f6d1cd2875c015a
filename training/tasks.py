"""Thin Celery tasks for training: each takes ids, reloads rows and calls one service."""

from celery import shared_task

from training import notifications, services

# Transient mail failures (a busy relay, a dropped connection) are retried a
# few times with backoff; anything else is a bug and should surface.
_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_kwargs": {"max_retries": 5},
}


@shared_task(**_RETRY)
def booking_send_confirm_request(booking_id: int) -> None:
    notifications.booking_send_confirm_request(booking_id=booking_id)


@shared_task(**_RETRY)
def booking_send_already_booked(booking_id: int) -> None:
    notifications.booking_send_already_booked(booking_id=booking_id)


@shared_task(**_RETRY)
def booking_send_confirmation(booking_id: int) -> None:
    notifications.booking_send_confirmation(booking_id=booking_id)


@shared_task(**_RETRY)
def booking_send_promotion(booking_id: int) -> None:
    notifications.booking_send_promotion(booking_id=booking_id)


@shared_task(**_RETRY)
def booking_send_cancellation(booking_id: int) -> None:
    notifications.booking_send_cancellation(booking_id=booking_id)


@shared_task
def booking_send_due_reminders() -> int:
    return services.booking_send_due_reminders()


@shared_task
def booking_release_unconfirmed() -> int:
    return services.booking_release_unconfirmed()


@shared_task
def booking_purge_expired() -> int:
    return services.booking_purge_expired()
