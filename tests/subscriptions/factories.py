import factory
from django.utils import timezone

from dscp.addresses import email_hash
from subscriptions.models import (
    ConsentRecord,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
)


class MailingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingList
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"List {n}")
    slug = factory.Sequence(lambda n: f"list-{n}")
    description = "Example list."


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    email_hash = factory.LazyAttribute(lambda o: email_hash(o.email))
    name = "Sam Example"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    mailing_list = factory.SubFactory(MailingListFactory)
    status = Subscription.Status.ACTIVE
    status_changed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda o: o.status_changed_at if o.status == Subscription.Status.ACTIVE else None
    )


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    subscriber = factory.SubFactory(SubscriberFactory)
    mailing_list = factory.SubFactory(MailingListFactory)
    action = ConsentRecord.Action.CONFIRMED
    method = ConsentRecord.Method.WEB_FORM


def is_suppressed(email: str) -> bool:
    """Whether any spelling of ``email`` is on the suppression list, as the send pipeline sees it."""
    return Suppression.objects.filter(email_hash=email_hash(email)).exists()
