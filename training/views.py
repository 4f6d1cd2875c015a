"""Public training pages: the course finder, courses, booking, managing a booking, events."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dscp.links import from_token
from dscp.pagecache import cache_public_page, content_version
from dscp.ratelimit import limit_public_form
from training import calendar, selectors, services
from training.errors import BookingError
from training.forms import BookingForm, CourseFinderForm, StrandFinderForm
from training.models import Booking, Session


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@cache_public_page
def course_list(request):
    form = CourseFinderForm(request.GET or None, priorities=selectors.priorities_with_courses())
    filters = selectors.CourseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CourseFilters(
            role=data["role"],
            format=data["format"],
            month=date.fromisoformat(data["month"] + "-01") if data["month"] else None,
            priority_slug=data["priority"],
            has_places=data["has_places"],
        )
    return render(
        request,
        "training/course_list.html",
        {
            "form": form,
            "filters": filters,
            "page": selectors.course_search(filters=filters, page=request.GET.get("page")),
            # The filters, kept by the links to other pages of results.
            "query": _without_page(request.GET),
            # Job roles, priorities and sessions are content: a change renews the cached form.
            "form_version": content_version(),
        },
    )


@require_GET
@cache_public_page
def course_detail(request, slug):
    course = selectors.public_course(slug=slug)
    if course is None:
        raise Http404("No such course")
    strands = list(course.strands.all())
    finder = StrandFinderForm(request.GET or None, course=course) if strands else None
    if finder:
        role = finder.cleaned_data["role"] if finder.is_bound and finder.is_valid() else None
    else:
        # A course for every role still carries the chosen role on to the booking form.
        role = selectors.job_role(slug=request.GET.get("role", ""))
    strand = selectors.strand_for_role(course=course, role=role)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "strands": strands,
            "finder": finder,
            "role": role,
            "strand": strand,
            "sessions": selectors.course_sessions(course=course, strand=strand),
            "outside_audience": not course.is_for(role),
        },
    )


def _session_or_404(pk: int) -> Session:
    try:
        return selectors.session_with_counts(pk=pk)
    except Session.DoesNotExist:
        raise Http404("No such session") from None


@never_cache
@require_http_methods(["GET", "POST"])
@limit_public_form(group="booking", field="email", ip_rate="RATE_LIMIT_BOOKING_PER_IP")
def session_book(request, pk):
    session = _session_or_404(pk)
    state = session.booking_state()
    full = session.places_left <= 0
    context = {"session": session, "course": session.course, "state": state, "full": full}
    if state != Session.BookingState.OPEN:
        # The page says why and points to other dates; a form sent to it books nothing.
        return render(request, "training/session_book.html", context)

    if request.method == "POST":
        # The button keeps saying what the person was offered when the page loaded.
        form = BookingForm(
            request.POST,
            session_full=request.POST.get("waitlist") == "True",
            prerequisite=session.course.prerequisite,
        )
        if form.is_valid():
            try:
                services.booking_create(session=session, **form.service_kwargs())
            except BookingError as error:
                if error.code == "session_full":
                    # Most posts in a rush lose: a short page carries what they typed
                    # and offers the waiting list, rather than the whole form again
                    # (nor a second form: its fields' templates cost more than the post).
                    context["carried"] = [
                        (name, "True" if name == "waitlist" else request.POST[name])
                        for name in form.fields
                        if name in request.POST or name == "waitlist"
                    ]
                    context["message"] = error.message
                    return render(request, "training/session_full.html", context)
                else:
                    form.add_error(None, error.message)
            else:
                # The same answer whatever happened: a new booking, or an address that
                # already had one (its email says so). The links go only to the address.
                return redirect("training:session_book_sent", pk=session.pk)
    else:
        # Arriving from the finder with a job role chosen saves typing it again.
        slug = request.GET.get("role")
        role = selectors.job_role(slug=slug) if slug else None
        form = BookingForm(
            session_full=full,
            prerequisite=session.course.prerequisite,
            initial={"job_role": role.job_title if role else ""},
        )
        # Warned, not refused: the job role is typed freely, and staff may welcome
        # someone from outside the audience; the register shows every job role.
        context["role"] = role
        context["outside_audience"] = not session.course.is_for(role)
        # Agencies are content: a change to them renews the cached form.
        context["form_version"] = content_version()
    context["form"] = form
    return render(request, "training/session_book.html", context)


@require_GET
def session_book_sent(request, pk):
    session = _session_or_404(pk)
    return render(
        request,
        "training/session_book_sent.html",
        {
            "session": session,
            "course": session.course,
            "hold_hours": f"{settings.TRAINING_BOOKING_HOLD_HOURS:g}",
        },
    )


# A forged link is a bad request and one for a booking that is gone is not found; every
# other problem (past its time, the place released) is about a booking that was once there.
_LINK_PROBLEM_STATUS = {"link_invalid": 400, "link_unknown": 404}


def _link_problem(request, error: BookingError, *, booking=None) -> HttpResponse:
    """The page for a confirmation link that cannot confirm: what happened, and what next."""
    booking = booking or error.booking
    # A withdrawn course's sessions are not shown at all (session_with_counts).
    session = booking.session if booking and booking.session.course.active else None
    return render(
        request,
        "training/booking_link_problem.html",
        {
            "error": error,
            # Booking again on the same session sends a fresh link, or says they have a place.
            "session": session
            if session and session.booking_state() == Session.BookingState.OPEN
            else None,
            "course": session.course if session else None,
        },
        status=_LINK_PROBLEM_STATUS.get(error.code, 410),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@from_token(selectors.booking_from_token, problem=_link_problem, purpose="confirm")
def booking_confirm(request, booking, token):
    if request.method == "POST" or booking.verified_at:
        try:
            booking = services.booking_confirm(booking=booking)
        except BookingError as error:
            return _link_problem(request, error, booking=booking)
        return redirect("training:booking_confirmation", token=booking.manage_token)
    # A button rather than confirming on sight: mail scanners open links in every email.
    return render(
        request,
        "training/booking_confirm.html",
        {"booking": booking, "waitlist_place": selectors.waitlist_place(booking=booking)},
    )


def _booking_not_found(request, error: BookingError) -> HttpResponse:
    return render(request, "training/booking_not_found.html", status=404)


def _other_dates(booking: Booking) -> list:
    """After cancelling, up to three other dates of the same course (and strand) to book."""
    if booking.status != Booking.Status.CANCELLED:
        return []
    session = booking.session
    dates = selectors.course_sessions(course=session.course, strand=session.strand)
    return [
        s for s in dates if s.pk != session.pk and s.booking_state() == Session.BookingState.OPEN
    ][:3]


def _booking_page(request, booking: Booking, template: str) -> HttpResponse:
    return render(
        request,
        template,
        {
            "booking": booking,
            "waitlist_place": selectors.waitlist_place(booking=booking),
            "show_joining": booking.has_place,
            "other_dates": _other_dates(booking),
        },
    )


@never_cache
@require_GET
@from_token(selectors.booking_from_token, problem=_booking_not_found, purpose="manage")
def booking_confirmation(request, booking, token):
    return _booking_page(request, booking, "training/booking_confirmation.html")


@never_cache
@require_GET
@from_token(selectors.booking_from_token, problem=_booking_not_found, purpose="manage")
def booking_manage(request, booking, token):
    return _booking_page(request, booking, "training/booking_manage.html")


@never_cache
@require_http_methods(["GET", "POST"])
@from_token(selectors.booking_from_token, problem=_booking_not_found, purpose="manage")
def booking_cancel(request, booking, token):
    error = None
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking, by=Booking.CancelledBy.PERSON)
        except BookingError as e:
            error = e.message
        else:
            messages.success(request, "Your booking has been cancelled. We have emailed you.")
            return redirect("training:booking_manage", token=booking.manage_token)
    if booking.status == Booking.Status.CANCELLED and error is None:
        return redirect("training:booking_manage", token=booking.manage_token)
    return render(request, "training/booking_cancel.html", {"booking": booking, "error": error})


@never_cache
@require_GET
@from_token(selectors.booking_from_token, problem=_booking_not_found, purpose="manage")
def booking_calendar(request, booking, token):
    if booking.status not in Booking.BOOKED:
        raise Http404("No place to add to a calendar")
    response = HttpResponse(
        calendar.booking_calendar(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="training-session.ics"'
    return response


@require_GET
def sessions_feed(request):
    response = HttpResponse(
        calendar.sessions_feed(selectors.feed_sessions()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="dscp-training.ics"'
    return response


@require_GET
@cache_public_page
def event_list(request):
    upcoming, past = selectors.external_events()
    return render(request, "training/event_list.html", {"upcoming": upcoming, "past": past})


@require_GET
@cache_public_page
def event_detail(request, slug):
    event = selectors.public_event(slug=slug)
    if event is None:
        raise Http404("No such event")
    session = selectors.event_session(event=event)
    return render(request, "training/event_detail.html", {"event": event, "session": session})
