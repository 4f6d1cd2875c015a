"""The soak's checks on what people were told: bookings (places, the waiting list, holds,
every accepted post's row and email) and consent (every sign-up, confirmation, preference
change and unsubscribe a person was told succeeded is in the database).

"Lost" counts what a client was told succeeded and the database does not hold.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from bench.soak.checks import Check
from subscriptions.models import ConsentRecord, Subscriber
from training.models import Booking, Session

Action = ConsentRecord.Action
Method = ConsentRecord.Method

# What each kind of booking email starts with, and which the checks expect when. A post's
# link may come in the promotion's email instead: a waiting-list booking promoted before
# its first email went (a relay refusing it meanwhile) is sent the one still true.
PROMOTED = "A place has come up"
ASKED = ("Confirm your booking:", "You already have a booking:", PROMOTED)
CONFIRMED = ("Booking confirmed:", "You are on the waiting list:")
CANCELLED = "Booking cancelled:"


def sessions(release_slack_s: float) -> Check:
    """Every session within capacity, its waiting list 1..k, no hold past its time."""
    problems = []
    soak = Session.objects.filter(course__slug__startswith="soak-course-")
    counts = soak.annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=Booking.COUNTS_AGAINST_CAPACITY))
    ).values_list("pk", "capacity", "taken")
    for pk, capacity, taken in counts:
        if taken > capacity:
            problems.append(f"session {pk}: {taken} places taken of {capacity}")
    for session in soak:
        # Positions keep gaps after promotions (a place is counted, selectors.waitlist_place);
        # the queue must keep the order people joined it, each with a place of their own.
        queue = list(
            session.bookings.filter(status=Booking.Status.WAITLISTED)
            .order_by("pk")  # the order rows were written in, under the session's lock
            .values_list("waitlist_position", flat=True)
        )
        if None in queue or queue != sorted(set(queue)):
            problems.append(
                f"session {session.pk}: waiting list out of joining order: {queue[:10]}"
            )
    emails = (
        Booking.objects.filter(session__in=soak)
        .exclude(status=Booking.Status.CANCELLED)
        .values("session_id", "email")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    problems += [f"session {e['session_id']}: {e['email']} booked {e['n']} times" for e in emails]
    now = timezone.now()
    late = Booking.objects.filter(
        Booking.AWAITING_CONFIRMATION,
        session__in=soak,
        hold_expires_at__lt=now - timedelta(seconds=release_slack_s),
    ).count()
    if late:
        problems.append(
            f"{late} holds more than {release_slack_s:.0f} s past their time, not released"
        )
    after = Booking.objects.filter(session__in=soak, verified_at__gt=F("hold_expires_at"))
    problems += [
        f"booking {pk} confirmed after its hold lapsed" for pk in after.values_list("pk", flat=True)
    ]
    return Check(
        "sessions within capacity, waiting lists in order (places 1..k), no hold outlives its time",
        not problems,
        f"{soak.count()} sessions, max taken {max((t for _, _, t in counts), default=0)} of "
        f"{max((c for _, c, _ in counts), default=0)}, holds past release {late}",
        problems,
    )


def bookings(ledger, mails) -> tuple[Check, int]:
    """Every accepted post has its row and its email; confirmations, promotions and
    cancellations each have theirs; confirmed and cancelled people are so in the database."""
    inbox = defaultdict(list)
    for mail in mails:
        inbox[mail.rcpt].append(mail.subject)
    booked = {(b["session_id"], b["email"].lower()): b for b in ledger.of("book")}
    rows = {
        (session_id, email.lower()): (status, verified, promoted, cancelled_by)
        for session_id, email, status, verified, promoted, cancelled_by in Booking.objects.filter(
            session__course__slug__startswith="soak-course-"
        ).values_list("session_id", "email", "status", "verified_at", "promoted_at", "cancelled_by")
    }
    lost, unmailed = [], []
    for key in booked:
        if key not in rows:
            lost.append(f"{key[1]} told their post was accepted (session {key[0]}), no booking")
        elif not any(s.startswith(ASKED) for s in inbox[key[1]]):
            unmailed.append(f"{key[1]}: booking accepted, no email with its link")
    for (_, email), (_, _, promoted, _) in rows.items():
        if promoted and not any(s.startswith(PROMOTED) for s in inbox[email]):
            unmailed.append(f"{email}: promoted from the waiting list, not emailed")
    confirmed = {c["email"].lower() for c in ledger.of("book_confirm")}
    cancelled = {c["email"].lower() for c in ledger.of("book_cancel")}
    by_email = {email: row for (_, email), row in rows.items()}
    for email in confirmed:
        row = by_email.get(email)
        if row is None or row[1] is None:
            lost.append(f"{email}: told their booking was confirmed, not confirmed")
        elif not any(s.startswith(CONFIRMED) for s in inbox[email]) and not any(
            s.startswith(PROMOTED) for s in inbox[email]
        ):
            unmailed.append(f"{email}: confirmed, no confirmation email")
    for email in cancelled:
        row = by_email.get(email)
        if row is None or row[0] != Booking.Status.CANCELLED:
            lost.append(f"{email}: told their booking was cancelled, it is not")
        elif not any(s.startswith(CANCELLED) for s in inbox[email]):
            unmailed.append(f"{email}: cancelled, no cancellation email")
    twice = sum(
        1
        for subjects in inbox.values()
        for s in set(subjects)
        if subjects.count(s) > 1 and s.startswith(ASKED)
    )
    return (
        Check(
            "every accepted booking post has its row and its email",
            not lost and not unmailed,
            f"{len(booked)} posts accepted, {len(confirmed)} confirmed, {len(cancelled)} cancelled, "
            f"{sum(1 for r in rows.values() if r[2])} promoted; lost={len(lost)}, "
            f"emails missing={len(unmailed)}, booking emails twice={twice}",
            lost + unmailed,
        ),
        len(lost),
    )


def consent(ledger) -> tuple[Check, int]:
    """Every sign-up, confirmation, preference change and one-click unsubscribe a person
    was told succeeded has its consent record."""
    records = defaultdict(set)
    for email, list_id, action, method in ConsentRecord.objects.values_list(
        "subscriber__email", "mailing_list_id", "action", "method"
    ):
        records[email.lower()].add((list_id, action, method))
    lost = []

    def has(email, action, method, list_id=None) -> bool:
        return any(
            a == action and m == method and (list_id is None or lid == list_id)
            for lid, a, m in records[email.lower()]
        )

    for entry in ledger.of("signup"):
        for list_id in entry["list_ids"]:
            if not has(entry["email"], Action.REQUESTED, Method.WEB_FORM, list_id):
                lost.append(f"{entry['email']}: sign-up to list {list_id} told ok, no record")
    for entry in ledger.of("signup_confirm"):
        if not has(entry["email"], Action.CONFIRMED, Method.EMAIL_LINK):
            lost.append(f"{entry['email']}: confirmation told ok, no record")
    for entry in ledger.of("preferences"):
        for list_id in entry["left"]:
            if not has(entry["email"], Action.WITHDRAWN, Method.PREFERENCES, list_id):
                lost.append(f"{entry['email']}: left list {list_id} in preferences, no record")
    for entry in ledger.of("one_click"):
        if not has(entry["email"], Action.WITHDRAWN, Method.ONE_CLICK):
            lost.append(f"{entry['email']}: one-click unsubscribe told ok, no record")
    told = sum(len(ledger.of(k)) for k in ("signup", "signup_confirm", "preferences", "one_click"))
    return (
        Check(
            "no consent record lost",
            not lost,
            f"{told} changes told ok ({len(ledger.of('signup'))} sign-ups, "
            f"{len(ledger.of('signup_confirm'))} confirmed, {len(ledger.of('preferences'))} "
            f"preference changes, {len(ledger.of('one_click'))} one-click), "
            f"{Subscriber.objects.count()} subscribers; lost={len(lost)}",
            lost,
        ),
        len(lost),
    )
