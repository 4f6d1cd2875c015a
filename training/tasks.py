"""Thin Celery tasks for training: each takes ids, reloads its rows and calls one service
or notification. Those that send email are ``mail_task``s: a busy relay is tried again."""

from celery import shared_task

from dscp.dispatch import mail_task
from training import notifications, services
from training.models import Booking


def _booking(booking_id: int) -> Booking | None:
    """The booking with what its emails show; None if it has been purged since it was queued."""
    return (
        Booking.objects.select_related("session__course", "session__strand", "agency")
        .filter(pk=booking_id)
        .first()
    )


@mail_task
def booking_send_confirm_request(booking_id: int) -> None:
    if booking := _booking(booking_id):
        notifications.booking_send_confirm_request(booking=booking)


@mail_task
def booking_send_already_booked(booking_id: int) -> None:
    if booking := _booking(booking_id):
        notifications.booking_send_already_booked(booking=booking)


@mail_task
def booking_send_confirmation(booking_id: int) -> None:
    if booking := _booking(booking_id):
        notifications.booking_send_confirmation(booking=booking)


@mail_task
def booking_send_promotion(booking_id: int) -> None:
    if booking := _booking(booking_id):
        notifications.booking_send_promotion(booking=booking)


@mail_task
def booking_send_cancellation(booking_id: int) -> None:
    if booking := _booking(booking_id):
        notifications.booking_send_cancellation(booking=booking)


@mail_task
def booking_send_due_reminders() -> int:
    return services.booking_send_due_reminders()


@shared_task
def booking_release_unconfirmed() -> int:
    return services.booking_release_unconfirmed()


@shared_task
def booking_purge_expired() -> int:
    return services.booking_purge_expired()
