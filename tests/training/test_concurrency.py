"""No overbooking however many people book at once: real threads, real PostgreSQL locks."""

import functools
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from training import services
from training.models import Agency, Booking

from .factories import SessionFactory

ATTEMPTS = 200
CAPACITY = 20
# Enough threads in the database at once to contend for the lock, well under
# PostgreSQL's connection limit, which other suites on this machine share.
AT_ONCE = 30


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_bookings_for_20_places_hold_20_places_and_queue_180():
    assert connection.vendor == "postgresql"
    session = SessionFactory(capacity=CAPACITY)
    agency = Agency.objects.create(name="Durham Constabulary")
    start = threading.Event()
    gate = threading.Semaphore(AT_ONCE)
    errors, lock = [], threading.Lock()

    def attempt(n: int) -> None:
        start.wait()
        with gate:
            try:
                services.booking_create(
                    session=session,
                    name=f"Person {n}",
                    email=f"person{n}@example.org",
                    job_role="Police Officer",
                    agency=agency,
                )
            except Exception as error:  # every failure is the finding
                with lock:
                    errors.append(repr(error))
            finally:
                # Each attempt has its own connection, like separate web requests.
                connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()

    assert errors == []
    bookings = Booking.objects.filter(session=session)
    assert Counter(bookings.values_list("status", flat=True)) == {
        Booking.Status.UNCONFIRMED: CAPACITY,
        Booking.Status.WAITLISTED: ATTEMPTS - CAPACITY,
    }
    positions = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, ATTEMPTS - CAPACITY + 1))
    assert bookings.values("email").distinct().count() == ATTEMPTS


def _run_together(jobs) -> list:
    """Run each job in its own thread and connection, all released at once; their results."""
    start = threading.Event()
    results, lock = [], threading.Lock()

    def run(job) -> None:
        start.wait()
        try:
            outcome = job()
        except Exception as error:
            outcome = error
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_confirming_while_holds_lapse_gives_each_place_to_exactly_one_person():
    session = SessionFactory(capacity=CAPACITY)
    agency = Agency.objects.create(name="Durham Constabulary")
    now = timezone.now()

    def book(email):
        return services.booking_create(
            session=session, name=email, email=email, job_role="Police Officer", agency=agency
        )

    held = [book(f"held{n}@example.org") for n in range(CAPACITY)]
    for n in range(CAPACITY):
        services.booking_confirm(booking=book(f"waiting{n}@example.org"))
    # Every hold has lapsed; the release runs (twice at once) while the people click.
    later = now + timedelta(hours=settings.TRAINING_BOOKING_HOLD_HOURS, minutes=1)
    confirms = [functools.partial(services.booking_confirm, booking=b, now=later) for b in held]
    releases = [functools.partial(services.booking_release_unconfirmed, now=later)] * 2
    outcomes = _run_together(confirms + releases)

    unexpected = [
        o
        for o in outcomes
        if isinstance(o, Exception) and getattr(o, "code", "") != "hold_released"
    ]
    assert unexpected == []
    confirmed_in_time = {o.email for o in outcomes if isinstance(o, Booking)}
    refused = sum(isinstance(o, Exception) for o in outcomes)
    released = sum(o for o in outcomes if isinstance(o, int))
    bookings = Booking.objects.filter(session=session)
    assert released == refused == CAPACITY - len(confirmed_in_time)
    # Each held person either kept the place or lost it to the next in the queue, never both.
    assert (
        set(
            bookings.filter(email__startswith="held", status=Booking.Status.CONFIRMED).values_list(
                "email", flat=True
            )
        )
        == confirmed_in_time
    )
    assert bookings.filter(status__in=Booking.COUNTS_AGAINST_CAPACITY).count() == CAPACITY
    assert bookings.filter(status=Booking.Status.CONFIRMED).count() == CAPACITY
    positions = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(released + 1, CAPACITY + 1))
