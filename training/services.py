"""Training use-cases: booking, waiting lists, cancellations, capacity, reminders.

Every function that changes who holds a place locks the session row first
(``select_for_update``) and only then counts, so two people can never take the
last place at the same moment; bookings are locked after their session, always
in that order, so two of these functions cannot deadlock each other.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dscp import dispatch
from dscp.dates import format_date
from dscp.locking import bound_lock_wait, is_lock_timeout
from training import notifications
from training.errors import BookingError
from training.models import Agency, Booking, Session, new_manage_token

REMINDER_BEFORE = timedelta(days=2)
# The privacy notice promises that booking records are kept for three years
# after the session and then deleted.
RETENTION_YEARS = 3


def _locked_session(session_id: int) -> Session:
    # The course comes in the same query, so nothing waits on a second one while the
    # lock is held; only the session's row is locked. The wait is bounded: behind a
    # stuck transaction the person is asked to try again rather than left hanging.
    bound_lock_wait()
    try:
        return (
            Session.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=session_id)
        )
    except OperationalError as error:
        if is_lock_timeout(error):
            raise BookingError("busy") from error
        raise


def _places_held(session: Session) -> int:
    return session.bookings.filter(status__in=Booking.HOLDING_PLACE).count()


def _check_open(session: Session, now: datetime) -> None:
    if not session.course.active:
        raise BookingError("course_withdrawn")
    state = session.booking_state(now)
    if state == "cancelled":
        raise BookingError("session_cancelled")
    if state == "closed":
        raise BookingError("session_closed")
    if state == "not_open":
        raise BookingError("session_not_open", opens=format_date(session.booking_opens_at))


def booking_create(
    *,
    session: Session,
    name: str,
    email: str,
    job_role: str,
    agency: Agency | None = None,
    agency_other: str = "",
    phone: str = "",
    needs: str = "",
    line_manager_email: str = "",
    form_key: str = "",
    waitlist_ok: bool = True,
    prerequisite: str = "",
    now: datetime | None = None,
) -> Booking:
    """Give the person a place if one is free, otherwise a place on the waiting list.

    ``form_key`` comes from the booking form: sending the same form again (a
    double click, a refresh) returns the booking it already made. With
    ``waitlist_ok`` false a full session raises ``session_full`` instead, so a
    person who asked for a place is asked before being put on the waiting list.
    """
    now = now or timezone.now()
    email = email.strip()
    with transaction.atomic():
        session = _locked_session(session.pk)
        existing = (
            session.bookings.exclude(status=Booking.Status.CANCELLED)
            .filter(email__iexact=email)
            .first()
        )
        if existing:
            if form_key and existing.form_key == form_key:
                return existing
            raise BookingError("already_booked")
        _check_open(session, now)
        booking = Booking(
            session=session,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            agency=agency,
            agency_other="" if agency else agency_other.strip(),
            job_role=job_role.strip(),
            needs=needs.strip(),
            line_manager_email=line_manager_email.strip(),
            prerequisite=prerequisite,
            form_key=form_key,
            created_at=now,
        )
        # Places held and the end of the queue in one query: the lock is held meanwhile.
        taken = session.bookings.aggregate(
            held=Count("pk", filter=Q(status__in=Booking.HOLDING_PLACE)),
            last=Max("waitlist_position", filter=Q(status=Booking.Status.WAITLISTED)),
        )
        if taken["held"] < session.capacity:
            booking.status = Booking.Status.CONFIRMED
            # Booked within the reminder window: the confirmation is the reminder.
            if session.starts_at - now <= REMINDER_BEFORE:
                booking.reminder_sent_at = now
        elif waitlist_ok:
            booking.status = Booking.Status.WAITLISTED
            booking.waitlist_position = (taken["last"] or 0) + 1
        else:
            raise BookingError("session_full")
        try:
            booking.save()
        except IntegrityError as error:
            # The session lock makes this unreachable for the booking form; the
            # constraint still guards any other writer. Leaving the block rolls back.
            raise BookingError("already_booked") from error
        dispatch.enqueue("training.tasks.booking_send_confirmation", booking_id=booking.pk)
    return booking


def waitlist_promote(*, session: Session, now: datetime | None = None) -> list[Booking]:
    """Give free places to the people at the front of the waiting list, in order."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session.pk)
        if session.status == Session.Status.CANCELLED or session.starts_at <= now:
            return []
        free = session.capacity - _places_held(session)
        if free <= 0:
            return []
        promoted = list(
            session.bookings.select_for_update()
            .filter(status=Booking.Status.WAITLISTED)
            .order_by("waitlist_position")[:free]
        )
        for booking in promoted:
            booking.status = Booking.Status.CONFIRMED
            booking.waitlist_position = None
            booking.promoted_at = now
            if session.starts_at - now <= REMINDER_BEFORE:
                booking.reminder_sent_at = now
            booking.save(
                update_fields=["status", "waitlist_position", "promoted_at", "reminder_sent_at"]
            )
            dispatch.enqueue("training.tasks.booking_send_promotion", booking_id=booking.pk)
    return promoted


def booking_cancel(
    *, booking: Booking, by: Booking.CancelledBy, now: datetime | None = None
) -> Booking:
    """Cancel a booking and offer the freed place to the first person waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            raise BookingError("already_cancelled")
        if by == Booking.CancelledBy.PERSON and session.starts_at <= now:
            raise BookingError("session_started")
        booking.cancelled_with_place = booking.holds_place
        booking.status = Booking.Status.CANCELLED
        booking.waitlist_position = None
        booking.cancelled_at = now
        booking.cancelled_by = by
        booking.save(
            update_fields=[
                "status",
                "waitlist_position",
                "cancelled_at",
                "cancelled_by",
                "cancelled_with_place",
            ]
        )
        dispatch.enqueue("training.tasks.booking_send_cancellation", booking_id=booking.pk)
        waitlist_promote(session=session, now=now)
    return booking


def session_set_capacity(
    *, session: Session, capacity: int, now: datetime | None = None
) -> list[Booking]:
    """Change the number of places; a rise goes to the waiting list in order."""
    with transaction.atomic():
        locked = _locked_session(session.pk)
        held = _places_held(locked)
        if capacity < held:
            raise BookingError("capacity_below_booked", held=held)
        locked.capacity = capacity
        locked.save(update_fields=["capacity"])
        session.capacity = capacity
        return waitlist_promote(session=locked, now=now)


def session_cancel(*, session: Session, reason: str = "", now: datetime | None = None) -> int:
    """Cancel a whole session and email everyone who had a place or was waiting; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session.pk)
        if session.status == Session.Status.CANCELLED:
            raise BookingError("session_already_cancelled")
        session.status = Session.Status.CANCELLED
        session.cancelled_at = now
        session.cancellation_reason = reason.strip()
        session.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        affected = list(
            session.bookings.select_for_update()
            .filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED])
            .values_list("pk", flat=True)
        )
        Booking.objects.filter(pk__in=affected).update(
            status=Booking.Status.CANCELLED,
            waitlist_position=None,
            cancelled_at=now,
            cancelled_by=Booking.CancelledBy.SESSION,
        )
        for pk in affected:
            dispatch.enqueue("training.tasks.booking_send_cancellation", booking_id=pk)
    return len(affected)


def booking_mark_attendance(
    *, booking: Booking, attended: bool, now: datetime | None = None
) -> Booking:
    """Record on the register whether a person with a place came."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
        if booking.status not in Booking.HOLDING_PLACE:
            raise BookingError("not_a_place")
        if timezone.localdate(now) < timezone.localdate(booking.session.starts_at):
            raise BookingError("too_early_for_register")
        booking.status = Booking.Status.ATTENDED if attended else Booking.Status.DID_NOT_ATTEND
        booking.save(update_fields=["status"])
    return booking


def booking_move_up(*, booking: Booking) -> Booking:
    """Swap a person on the waiting list with the person just ahead of them."""
    with transaction.atomic():
        _locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.WAITLISTED:
            raise BookingError("not_waitlisted")
        ahead = (
            Booking.objects.select_for_update()
            .filter(
                session_id=booking.session_id,
                status=Booking.Status.WAITLISTED,
                waitlist_position__lt=booking.waitlist_position,
            )
            .order_by("-waitlist_position")
            .first()
        )
        if ahead is None:
            raise BookingError("top_of_waitlist")
        mine, theirs = booking.waitlist_position, ahead.waitlist_position
        # Position 0 is never used, so it can hold one row while the two swap
        # without breaking the one-position-per-person constraint.
        Booking.objects.filter(pk=booking.pk).update(waitlist_position=0)
        Booking.objects.filter(pk=ahead.pk).update(waitlist_position=mine)
        Booking.objects.filter(pk=booking.pk).update(waitlist_position=theirs)
        booking.waitlist_position = theirs
    return booking


def booking_send_due_reminders(*, now: datetime | None = None) -> int:
    """Send each reminder that is due exactly once, even if two runs overlap; returns how many."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        # The row stays locked while the email goes out: an overlapping run
        # skips it, a later run sees reminder_sent_at, and a failed send rolls
        # back so the next run tries again.
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("session__course", "session__strand", "agency")
                .filter(pk=pk, status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            notifications.booking_send_reminder(booking=booking)
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


def booking_purge_expired(*, now: datetime | None = None) -> int:
    """Delete bookings whose session ended more than three years ago; returns how many."""
    now = now or timezone.now()
    try:
        cutoff = now.replace(year=now.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - RETENTION_YEARS, day=28)
    deleted, _ = Booking.objects.filter(session__ends_at__lt=cutoff).delete()
    return deleted


def booking_data_for_email(*, email: str) -> list[dict]:
    """Every booking made with this address, for a person's data download."""
    bookings = Booking.objects.filter(email__iexact=email).select_related(
        "session__course", "agency"
    )
    return [
        {
            "course": b.session.course.title,
            "session_starts_at": b.session.starts_at.isoformat(),
            "name": b.name,
            "email": b.email,
            "phone": b.phone,
            "organisation": b.agency.name if b.agency else b.agency_other,
            "job_role": b.job_role,
            "access_or_dietary_needs": b.needs,
            "line_manager_email": b.line_manager_email,
            "status": b.status,
            "booked_at": b.created_at.isoformat(),
        }
        for b in bookings.order_by("pk")
    ]


def booking_erase_for_email(*, email: str) -> list[int]:
    """Anonymise every booking made with this address; return their ids.

    The rows stay, so a session's figures (places taken, attendance) still
    add up, but nothing in them names the person, and a new random token
    makes the old manage link stop working.
    """
    with transaction.atomic():
        bookings = list(Booking.objects.select_for_update().filter(email__iexact=email))
        for booking in bookings:
            booking.name = booking.job_role = "Erased"
            # Unique per booking, so the one-active-booking-per-email rule still holds.
            booking.email = f"erased-{booking.pk}@erased.invalid"
            booking.phone = booking.agency_other = booking.needs = booking.form_key = ""
            booking.line_manager_email = ""
            booking.manage_token = new_manage_token()
        # Named as someone's line manager: the copy has gone; the address need not stay.
        Booking.objects.filter(line_manager_email__iexact=email).update(line_manager_email="")
        Booking.objects.bulk_update(
            bookings,
            [
                "name",
                "job_role",
                "email",
                "phone",
                "agency_other",
                "needs",
                "line_manager_email",
                "form_key",
                "manage_token",
            ],
        )
    return [b.pk for b in bookings]
