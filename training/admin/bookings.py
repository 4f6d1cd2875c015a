"""Admin for bookings: attendance, the waiting list, cancellation by staff."""

from django.contrib import admin, messages
from django.utils.html import format_html

from training import services
from training.errors import BookingError
from training.models import Booking


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation",
        "job_role",
        "session",
        "status",
        "waitlist_position",
        "created_at",
    ]
    list_filter = ["status", "session__course", "agency"]
    search_fields = ["name", "email", "agency__name", "agency_other", "job_role"]
    list_select_related = ["session__course", "session__strand", "agency"]
    ordering = ["-created_at"]
    fields = [
        "session",
        "status",
        "waitlist_position",
        "name",
        "email",
        "phone",
        "agency",
        "agency_other",
        "job_role",
        "needs",
        "line_manager_email",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "cancelled_by",
        "verified_at",
        "hold_expires_at",
        "reminder_sent_at",
        "manage_link",
    ]
    readonly_fields = [
        "session",
        "status",
        "waitlist_position",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "cancelled_by",
        "verified_at",
        "hold_expires_at",
        "reminder_sent_at",
        "manage_link",
    ]
    actions = [
        "confirm_bookings",
        "mark_attended",
        "mark_did_not_attend",
        "move_up",
        "cancel_bookings",
    ]

    @admin.display(description="organisation", ordering="agency__name")
    def organisation(self, booking):
        return booking.organisation

    @admin.display(description="the person's manage page")
    def manage_link(self, booking):
        return format_html('<a href="{}">Open</a>', booking.get_absolute_url())

    def has_add_permission(self, request):
        # Places are only taken through booking_create, which counts under a lock.
        return False

    def has_delete_permission(self, request, obj=None):
        # Bookings are cancelled, never deleted; the retention task removes old ones.
        return False

    def _each(self, request, queryset, action, done: str):
        ok, failures = 0, []
        for booking in queryset.select_related("session__course"):
            try:
                action(booking)
                ok += 1
            except BookingError as error:
                failures.append(f"{booking.name}: {error.message}")
        if ok:
            self.message_user(request, f"{ok} booking(s) {done}.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(
        description="Confirm (you have checked the person's email address)",
        permissions=["change"],
    )
    def confirm_bookings(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_confirm(booking=b),
            "confirmed",
        )

    @admin.action(description="Mark as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_mark_attendance(booking=b, attended=True),
            "marked as attended",
        )

    @admin.action(description="Mark as did not attend", permissions=["change"])
    def mark_did_not_attend(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_mark_attendance(booking=b, attended=False),
            "marked as did not attend",
        )

    @admin.action(description="Move up the waiting list by one", permissions=["change"])
    def move_up(self, request, queryset):
        self._each(
            request,
            queryset.order_by("waitlist_position"),
            lambda b: services.booking_move_up(booking=b),
            "moved up the waiting list",
        )

    @admin.action(
        description="Cancel (emails the person and offers the place to the waiting list)",
        permissions=["change"],
    )
    def cancel_bookings(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_cancel(booking=b, by=Booking.CancelledBy.STAFF),
            "cancelled",
        )
