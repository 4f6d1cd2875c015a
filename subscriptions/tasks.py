"""Thin Celery tasks: each reloads its rows and calls the service of the same name."""

from celery import shared_task

from subscriptions import notifications, services
from subscriptions.models import MailingList, Subscriber


@shared_task
def subscription_record_request(
    email: str, list_ids: list[int], name: str, organisation: str
) -> None:
    # Takes the address, not an id, for the same reason as the unsubscribe
    # link below: the web request must do the same work for every address.
    lists = list(MailingList.objects.filter(pk__in=list_ids))
    if lists:  # none left if every list was deleted since the request
        services.subscription_record_request(
            email=email, lists=lists, name=name, organisation=organisation
        )


@shared_task
def subscriber_send_confirmation(subscriber_id: int, list_ids: list[int]) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # erased or purged since the request
        return
    lists = list(MailingList.objects.filter(pk__in=list_ids))
    notifications.subscriber_send_confirmation(subscriber=subscriber, lists=lists)


@shared_task
def subscriber_send_already_subscribed(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    notifications.subscriber_send_already_subscribed(subscriber=subscriber)


@shared_task
def subscriber_send_unsubscribe_link(email: str) -> None:
    # Takes the address, not an id: the web request must not look it up, so
    # that known and unknown addresses cost the same there.
    notifications.subscriber_send_unsubscribe_link(email=email)


@shared_task
def subscription_purge_unconfirmed() -> None:
    services.subscription_purge_unconfirmed()


@shared_task
def subscriber_send_welcome(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # erased since confirming
        return
    notifications.subscriber_send_welcome(subscriber=subscriber)
