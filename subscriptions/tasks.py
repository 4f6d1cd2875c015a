"""Thin Celery tasks: each reloads its rows and calls the service or notification of the
same name. Those that send email are ``mail_task``s: a busy relay is tried again."""

from celery import shared_task

from dscp.addresses import normalise_email
from dscp.dispatch import mail_task
from subscriptions import notifications, services
from subscriptions.models import MailingList, Subscriber


# A mail task too: the sign-up's whole point is the email it queues, and a busy
# subscriber row is tried again like a busy relay.
@mail_task
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


@mail_task
def subscriber_send_confirmation(subscriber_id: int, list_ids: list[int]) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # erased or purged since the request
        return
    lists = list(MailingList.objects.filter(pk__in=list_ids))
    notifications.subscriber_send_confirmation(subscriber=subscriber, lists=lists)


@mail_task
def subscriber_send_already_subscribed(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    notifications.subscriber_send_already_subscribed(subscriber=subscriber)


@mail_task
def subscriber_send_unsubscribe_link(email: str) -> None:
    # Takes the address, not an id: the web request must not look it up, so
    # that known and unknown addresses cost the same there.
    subscriber = Subscriber.objects.filter(email=normalise_email(email)).first()
    notifications.subscriber_send_unsubscribe_link(email=email, subscriber=subscriber)


@shared_task
def subscription_purge_unconfirmed() -> None:
    services.subscription_purge_unconfirmed()


@mail_task
def subscriber_send_welcome(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # erased since confirming
        return
    notifications.subscriber_send_welcome(subscriber=subscriber)


# A mail task for its retries: a newsletter batch queues the suppression of an address
# the mail server refused for good when the subscriber's row was busy (locked past the
# bounded wait), and a busy row is tried again as a busy relay is. Adding twice is harmless.
@mail_task
def suppression_add(email: str, reason: str, recorded_by: str) -> None:
    services.suppression_add(email=email, reason=reason, recorded_by=recorded_by)
