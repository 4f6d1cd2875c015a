"""No overbooking however many people book at once: real threads, real PostgreSQL locks."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from training import services
from training.models import Agency, Booking

from .factories import SessionFactory

ATTEMPTS = 200
CAPACITY = 20
# Enough threads in the database at once to contend for the lock, well under
# PostgreSQL's connection limit, which other suites on this machine share.
AT_ONCE = 30


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_bookings_for_20_places_give_20_places_and_180_in_the_queue():
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
        Booking.Status.CONFIRMED: CAPACITY,
        Booking.Status.WAITLISTED: ATTEMPTS - CAPACITY,
    }
    positions = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, ATTEMPTS - CAPACITY + 1))
    assert bookings.values("email").distinct().count() == ATTEMPTS
