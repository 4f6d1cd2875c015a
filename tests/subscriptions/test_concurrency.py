"""Many people changing their lists at once never wait on, or deadlock with, one another:
real threads, real PostgreSQL locks.

The lists are rows everyone shares: a consent record's foreign key takes a share
lock on its list, so a service that also locked list rows (FOR UPDATE across a
join) deadlocked two people who joined and left the same two lists in opposite
orders, and the loser's preferences page failed with a 500.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from subscriptions import services
from subscriptions.models import ConsentRecord, Subscriber, Subscription

from .factories import MailingListFactory, SubscriptionFactory

PEOPLE = 16
ROUNDS = 6
Status = Subscription.Status
Action = ConsentRecord.Action


@pytest.mark.django_db(transaction=True)
def test_people_changing_the_same_two_lists_at_once_in_opposite_orders_all_succeed():
    assert connection.vendor == "postgresql"
    first, second = MailingListFactory(slug="first"), MailingListFactory(slug="second")
    # Half the people swap between the lists on their preferences page, each half in
    # the opposite direction; the other half leave both lists by one click and then
    # join both again, half naming them in each order.
    swappers, leavers = [], []
    for n in range(PEOPLE):
        if n % 2 == 0:
            on = first if n % 4 == 0 else second
            swappers.append((n, SubscriptionFactory(mailing_list=on).subscriber))
        else:
            subscriber = SubscriptionFactory(mailing_list=first).subscriber
            SubscriptionFactory(subscriber=subscriber, mailing_list=second)
            leavers.append((n, subscriber))
    barrier = threading.Barrier(PEOPLE)
    errors, lock = [], threading.Lock()

    def person(n: int, subscriber: Subscriber, swapper: bool) -> None:
        try:
            for round_ in range(ROUNDS):
                barrier.wait()  # everyone saves in the same instant, every round
                if swapper:
                    on_first = (n % 4 == 0) == (round_ % 2 == 0)
                    services.subscriber_update_preferences(
                        subscriber=subscriber,
                        name=f"Person {n}",
                        organisation="",
                        lists=[second] if on_first else [first],
                    )
                elif round_ % 2 == 0:
                    services.subscriber_unsubscribe(subscriber=subscriber, method="one_click")
                else:
                    both = [first, second] if n % 4 == 1 else [second, first]
                    services.subscriber_update_preferences(
                        subscriber=subscriber, name=f"Person {n}", organisation="", lists=both
                    )
        except Exception as error:  # every failure is the finding
            with lock:
                errors.append(repr(error))
            barrier.abort()  # the others stop waiting for this person
        finally:
            # Each person has their own connection, like separate web requests.
            connections.close_all()

    threads = [threading.Thread(target=person, args=(n, s, True)) for n, s in swappers]
    threads += [threading.Thread(target=person, args=(n, s, False)) for n, s in leavers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The first failure breaks the barrier for the rest: show what failed, not that.
    assert [e for e in errors if "BrokenBarrierError" not in e] == []
    # Every change landed, each with its consent record.
    for n, subscriber in swappers:
        # An even number of rounds brings each swapper back to the list they started on.
        statuses = dict(subscriber.subscriptions.values_list("mailing_list__slug", "status"))
        started = "first" if n % 4 == 0 else "second"
        other = "second" if started == "first" else "first"
        assert statuses == {started: Status.ACTIVE, other: Status.UNSUBSCRIBED}
        actions = Counter(subscriber.consent_records.values_list("action", flat=True))
        assert actions == {Action.CONFIRMED: ROUNDS, Action.WITHDRAWN: ROUNDS}
    for _, subscriber in leavers:
        statuses = set(subscriber.subscriptions.values_list("status", flat=True))
        assert statuses == {Status.ACTIVE}
        actions = Counter(subscriber.consent_records.values_list("action", flat=True))
        assert actions == {Action.CONFIRMED: ROUNDS, Action.WITHDRAWN: ROUNDS}
