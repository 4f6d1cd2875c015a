import datetime

import factory
from django.utils import timezone

from evaluations.models import Evaluation, Invitation, Response, WorksWith
from tests.training.factories import BookingFactory, SessionFactory
from training.models import Booking


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    title = factory.Sequence(lambda n: f"Evaluation {n}")
    slug = factory.Sequence(lambda n: f"evaluation-{n}")


class OpenEvaluationFactory(EvaluationFactory):
    """An event's form with an open link, e.g. Safeguarding Week."""

    open_link = True
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))


def past_session(**kwargs):
    """A session that took place yesterday morning."""
    starts = (timezone.now() - datetime.timedelta(days=1)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    return SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **kwargs)


class AttendedBookingFactory(BookingFactory):
    session = factory.LazyFunction(past_session)
    status = Booking.Status.ATTENDED


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    booking = factory.SubFactory(AttendedBookingFactory)
    evaluation = factory.LazyAttribute(lambda o: EvaluationFactory(course=o.booking.session.course))
    sent_at = factory.LazyFunction(timezone.now)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A response written straight to the table; real ones go through the services."""

    class Meta:
        model = Response

    evaluation = factory.SubFactory(EvaluationFactory)
    source = Response.Source.OPEN
    held_on = factory.LazyFunction(timezone.localdate)
    works_with = WorksWith.CHILDREN
    agency = "Durham County Council"
    rating = 4
    knowledge_before = 5
    knowledge_after = 8
    confidence_before = 5
    confidence_after = 8
