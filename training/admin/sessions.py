"""Admin for sessions: places, capacity changes, cancellation, the register."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify

from audit.services import personal_data_download
from dscp.admin_columns import annotated_column
from dscp.dates import format_range
from training import selectors, services
from training.errors import BookingError
from training.forms import CancelSessionForm, SessionCapacityForm
from training.models import Booking, Session


class BookingInline(admin.TabularInline):
    """Who is booked and who waits, read-only: changes go through the booking actions."""

    model = Booking
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["name", "email", "organisation", "job_role", "status", "waitlist_position"]
    readonly_fields = fields
    ordering = ["status", "waitlist_position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="organisation")
    def organisation(self, booking):
        return booking.organisation


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "when",
        "strand_number",
        "capacity",
        "places_booked",
        "awaiting",
        "waiting",
        "status",
        "register_link",
    ]
    list_filter = ["status", "course"]
    search_fields = ["course__title", "venue", "trainer"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["course"]
    readonly_fields = ["status", "cancelled_at", "cancellation_reason", "register_link"]
    inlines = [BookingInline]
    actions = ["cancel_sessions"]
    ordering = ["-starts_at"]

    def get_queryset(self, request):
        return selectors.with_counts(super().get_queryset(request)).select_related(
            "course", "strand"
        )

    def _warn_missing_joining_links(self, request) -> None:
        for session in selectors.sessions_missing_joining_link():
            self.message_user(
                request,
                format_html(
                    '<a href="{}">{}</a> is online and starts within a week, but has no '
                    "joining link. Add it so people with a place get it in their reminder.",
                    reverse("admin:training_session_change", args=[session.pk]),
                    session,
                ),
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_missing_joining_links(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn_missing_joining_links(request)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="when", ordering="starts_at")
    def when(self, session):
        return format_range(session.starts_at, session.ends_at)

    @admin.display(description="strand", ordering="strand__number")
    def strand_number(self, session):
        return session.strand.number if session.strand_id else "–"

    places_booked = annotated_column("places_booked", description="booked")
    awaiting = annotated_column("awaiting", description="held, not yet confirmed")
    waiting = annotated_column("waiting", description="waiting")

    @admin.display(description="register")
    def register_link(self, session):
        if not session.pk:
            return "–"
        return format_html(
            '<a href="{}">Register</a> · <a href="{}">CSV</a> · <a href="{}">Attendance</a>',
            reverse("admin:training_session_register", args=[session.pk]),
            reverse("admin:training_session_register_csv", args=[session.pk]),
            reverse("admin:training_booking_changelist") + f"?session__id__exact={session.pk}",
        )

    def get_readonly_fields(self, request, obj=None):
        # Capacity changes go through their own page and session_set_capacity, so a
        # rise promotes the waiting list in order and a cut below those booked is refused.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "capacity", "change_capacity"] if obj else fields

    @admin.display(description="change capacity")
    def change_capacity(self, session):
        return format_html(
            '<a href="{}">Change the number of places</a>',
            reverse("admin:training_session_capacity", args=[session.pk]),
        )

    def capacity_view(self, request, pk):
        session = self._session(request, pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        form = SessionCapacityForm(request.POST or None, initial={"capacity": session.capacity})
        if request.method == "POST" and form.is_valid():
            try:
                promoted = services.session_set_capacity(
                    session=session, capacity=form.cleaned_data["capacity"], by=request.user
                )
            except BookingError as error:
                form.add_error("capacity", error.message)
            else:
                moved = len(promoted)
                self.message_user(
                    request,
                    f"Capacity is now {session.capacity}."
                    + (
                        f" {moved} {'person' if moved == 1 else 'people'} moved from the "
                        "waiting list to a place and emailed."
                        if moved
                        else ""
                    ),
                    messages.SUCCESS,
                )
                return redirect("admin:training_session_change", session.pk)
        return TemplateResponse(
            request,
            "admin/training/session/capacity.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Change capacity: {session}",
                "session": session,
                "form": form,
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description="Cancel the selected sessions and email everyone booked", permissions=["change"]
    )
    def cancel_sessions(self, request, queryset):
        sessions = list(queryset.filter(status=Session.Status.SCHEDULED))
        form = CancelSessionForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            emailed = 0
            with transaction.atomic():
                for session in sessions:
                    emailed += services.session_cancel(
                        session=session, reason=form.cleaned_data["reason"]
                    )
            self.message_user(
                request,
                f"{len(sessions)} session(s) cancelled; {emailed} people will be emailed.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/training/session/cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": "Cancel sessions",
                "sessions": sessions,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/register/",
                self.admin_site.admin_view(self.register_view),
                name="training_session_register",
            ),
            path(
                "<int:pk>/capacity/",
                self.admin_site.admin_view(self.capacity_view),
                name="training_session_capacity",
            ),
            path(
                "<int:pk>/register.csv",
                self.admin_site.admin_view(self.register_csv),
                name="training_session_register_csv",
            ),
            *super().get_urls(),
        ]

    def _session(self, request, pk) -> Session:
        session = get_object_or_404(
            Session.objects.select_related("course__prerequisite", "strand"), pk=pk
        )
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        return session

    def register_view(self, request, pk):
        session = self._session(request, pk)
        return TemplateResponse(
            request,
            "admin/training/session/register.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Register: {session}",
                "session": session,
                "bookings": selectors.register(session=session),
                "waiting": selectors.waiting_list(session=session),
                "awaiting": selectors.awaiting_confirmation(session=session),
                "opts": self.model._meta,
            },
        )

    def register_csv(self, request, pk):
        session = self._session(request, pk)
        filename = slugify(f"{session.course.title} {session.starts_at:%Y-%m-%d}") + ".csv"
        return personal_data_download(
            by=request.user,
            what="Register",
            filters=str(session),
            header=[
                "Name",
                "Work email",
                "Phone",
                "Organisation",
                "Job role",
                "Access or dietary needs",
                "Status",
                "Booked at",
            ],
            records=selectors.register(session=session),
            row=lambda booking: [
                booking.name,
                booking.email,
                booking.phone,
                booking.organisation,
                booking.job_role,
                booking.needs,
                booking.get_status_display(),
                f"{booking.created_at:%Y-%m-%d %H:%M}",
            ],
            filename=f"register-{filename}",
        )
