"""A person's booking: taking a place or a queue spot, confirming it by the emailed link,
releasing what is not confirmed in time, cancelling, and the waiting list moving up."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dscp import dispatch
from dscp.locking import bounded_lock_wait
from training.errors import BookingError
from training.models import Agency, Booking, Session
from training.services.shared import (
    REMINDER_BEFORE,
    check_open,
    hold_until,
    locked_session,
    places_counted,
)


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
    """Hold a place for the person if one is free, otherwise a place on the waiting list,
    and email them a link to confirm; nothing is booked until they follow it.

    The hold counts against capacity, so a rush stays exact; unconfirmed, it lapses
    (``booking_release_unconfirmed``). ``form_key`` comes from the booking form: sending
    the same form again (a double click, a refresh) returns the booking it already made.
    With ``waitlist_ok`` false a full session raises ``session_full`` instead, so a person
    who asked for a place is asked before being put on the waiting list.

    An address that already has a booking gets that booking back and an email saying
    so: the caller answers exactly as for a new booking, so the answer tells a stranger
    nothing about who is booked.
    """
    now = now or timezone.now()
    email = email.strip()
    with transaction.atomic(), bounded_lock_wait(BookingError):
        session = locked_session(session.pk)
        # Everything that can refuse a newcomer is checked before the address is looked
        # up, so an address with a booking is refused, or not, exactly as a new one is.
        check_open(session, now)
        # Places counted against capacity, the end of the queue and this address's booking in one query:
        # the lock is held meanwhile.
        counts = session.bookings.aggregate(
            counted=Count("pk", filter=Q(status__in=Booking.COUNTS_AGAINST_CAPACITY)),
            last=Max("waitlist_position", filter=Q(status=Booking.Status.WAITLISTED)),
            existing=Max("pk", filter=Q(email__iexact=email) & ~Q(status=Booking.Status.CANCELLED)),
        )
        has_room = counts["counted"] < session.capacity
        if counts["existing"]:
            existing = Booking.objects.get(pk=counts["existing"])
            if form_key and existing.form_key == form_key:
                return existing
            if not has_room and not waitlist_ok:
                raise BookingError("session_full")
            dispatch.enqueue("training.tasks.booking_send_already_booked", booking_id=existing.pk)
            return existing
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
            hold_expires_at=hold_until(session, now),
        )
        if has_room:
            booking.status = Booking.Status.UNCONFIRMED
        elif waitlist_ok:
            booking.status = Booking.Status.WAITLISTED
            booking.waitlist_position = (counts["last"] or 0) + 1
        else:
            raise BookingError("session_full")
        try:
            booking.save()
        except IntegrityError as error:
            # The session lock makes this unreachable for the booking form; the
            # constraint still guards any other writer. Leaving the block rolls back.
            raise BookingError("already_booked") from error
        dispatch.enqueue("training.tasks.booking_send_confirm_request", booking_id=booking.pk)
    return booking


def booking_confirm(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Record that the address is the person's (they followed the emailed link, or staff
    checked): a held place becomes a booked one, a queue spot stays in the queue.

    Confirming twice changes nothing and emails nothing the second time.
    """
    now = now or timezone.now()
    with transaction.atomic(), bounded_lock_wait(BookingError):
        # Session first, as everywhere here: the release of lapsed holds locks the same
        # rows in that order, so a click and a release never cross.
        session = locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.verified_at:
            return booking
        if booking.status == Booking.Status.CANCELLED:
            if booking.cancelled_by == Booking.CancelledBy.UNCONFIRMED:
                raise BookingError("hold_released")
            raise BookingError("already_cancelled")
        booking.verified_at = now
        fields = ["verified_at"]
        if booking.status == Booking.Status.UNCONFIRMED:
            booking.status = Booking.Status.CONFIRMED
            # Confirmed within the reminder window: the confirmation is the reminder.
            if session.starts_at - now <= REMINDER_BEFORE:
                booking.reminder_sent_at = now
            fields += ["status", "reminder_sent_at"]
        booking.save(update_fields=fields)
        if booking.status in (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED):
            dispatch.enqueue("training.tasks.booking_send_confirmation", booking_id=booking.pk)
    return booking


def booking_release_unconfirmed(*, now: datetime | None = None) -> int:
    """Cancel bookings not confirmed in time and give their places to the waiting list;
    returns how many. Reads what is due from the database, so overlapping runs are safe."""
    now = now or timezone.now()
    due = Booking.AWAITING_CONFIRMATION & Q(hold_expires_at__lte=now)
    session_ids = sorted(set(Booking.objects.filter(due).values_list("session_id", flat=True)))
    released = 0
    for session_id in session_ids:
        try:
            with transaction.atomic(), bounded_lock_wait(BookingError):
                session = locked_session(session_id)
                # Checked again under the lock: the person may have confirmed meanwhile.
                lapsed = list(session.bookings.select_for_update().filter(due))
                for booking in lapsed:
                    booking.status = Booking.Status.CANCELLED
                    booking.waitlist_position = None
                    booking.cancelled_at = now
                    booking.cancelled_by = Booking.CancelledBy.UNCONFIRMED
                Booking.objects.bulk_update(
                    lapsed, ["status", "waitlist_position", "cancelled_at", "cancelled_by"]
                )
                waitlist_promote(session=session, now=now)
                released += len(lapsed)
        except BookingError:
            continue  # a busy session is released on the next run
    return released


def waitlist_promote(*, session: Session, now: datetime | None = None) -> list[Booking]:
    """Give free places to the people at the front of the waiting list, in order."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_lock_wait(BookingError):
        session = locked_session(session.pk)
        if session.status == Session.Status.CANCELLED or session.starts_at <= now:
            return []
        free = session.capacity - places_counted(session)
        if free <= 0:
            return []
        promoted = list(
            session.bookings.select_for_update()
            .filter(status=Booking.Status.WAITLISTED)
            # Lapsed but not yet released: the next release run gives up their spot.
            .exclude(Booking.AWAITING_CONFIRMATION & Q(hold_expires_at__lte=now))
            .order_by("waitlist_position")[:free]
        )
        for booking in promoted:
            booking.waitlist_position = None
            booking.promoted_at = now
            if booking.verified_at:
                booking.status = Booking.Status.CONFIRMED
                if session.starts_at - now <= REMINDER_BEFORE:
                    booking.reminder_sent_at = now
            else:
                # Not yet confirmed: the place is held for them until their hold lapses,
                # and the email offering it carries the link to confirm.
                booking.status = Booking.Status.UNCONFIRMED
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
    with transaction.atomic(), bounded_lock_wait(BookingError):
        session = locked_session(booking.session_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            raise BookingError("already_cancelled")
        if by == Booking.CancelledBy.PERSON and session.starts_at <= now:
            raise BookingError("session_started")
        booking.cancelled_with_place = booking.has_place
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
