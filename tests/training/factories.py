from datetime import timedelta

import factory
from django.utils import timezone

from training.models import Agency, Booking, Course, ExternalEvent, JobRole, Session, Strand


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Agency {n}")


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A course for practitioners."
    description = "What the course covers."
    format = "in_person"


class StrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strand

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Strand title {n}")
    description = "Who this strand is for."


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=14)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    venue = "County Hall, Durham"
    address = "Durham\nDH1 5UJ"
    capacity = 20


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the table, for arranging state; real bookings use
    services.booking_create."""

    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    job_role = "Social Worker"
    status = Booking.Status.CONFIRMED
    # Arranged bookings stand as if their person had followed the emailed link.
    verified_at = factory.LazyFunction(timezone.now)


class ExternalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalEvent

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "An event run by others."
    organiser = "Someone else"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
