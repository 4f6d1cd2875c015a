"""Admin: lists with counts, subscribers with their consent history, import and export.

Every change goes through a service, so admin keeps the same consent evidence
as the website. Subscribers are never added or deleted here directly: import
adds them, and erasure (which keeps a suppression hash) replaces delete.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from audit.services import personal_data_download
from dscp.addresses import email_hash
from dscp.admin_columns import annotated_column
from dscp.admin_readonly import ReadOnlyAdmin
from subscriptions import hooks, services
from subscriptions.errors import SubscriptionError
from subscriptions.forms import ImportForm
from subscriptions.models import (
    ConsentRecord,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
)
from subscriptions.selectors import lists_with_counts, mailable_subscribers

Status = Subscription.Status


def _subscriber_row(person) -> list[str]:
    email, name, organisation, confirmed_at = person
    return [email, name, organisation, confirmed_at.isoformat() if confirmed_at else ""]


@admin.register(MailingList)
class MailingListAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "is_public",
        "active_count",
        "pending_count",
        "unsubscribed_count",
        "bounced_count",
        "complained_count",
        "export_link",
    ]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "is_public", "order"]

    def get_queryset(self, request):
        return lists_with_counts()

    active_count = annotated_column("active_count", description="subscribed")
    pending_count = annotated_column("pending_count", description="waiting to confirm")
    unsubscribed_count = annotated_column("unsubscribed_count", description="unsubscribed")
    bounced_count = annotated_column("bounced_count", description="bounced")
    complained_count = annotated_column("complained_count", description="marked as spam")

    @admin.display(description="export")
    def export_link(self, obj):
        url = reverse("admin:subscriptions_mailinglist_export", args=[obj.pk])
        return format_html('<a href="{}">CSV of subscribers</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="subscriptions_mailinglist_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        """Everyone who may be mailed on this list now, as CSV."""
        mailing_list = get_object_or_404(MailingList, pk=pk)
        people = mailable_subscribers(lists=[mailing_list]).filter(
            subscriptions__mailing_list=mailing_list
        )
        return personal_data_download(
            by=request.user,
            what="Subscribers",
            filters=f"mailing list “{mailing_list.name}”, those who may be mailed now",
            header=["email", "name", "organisation", "subscribed_at"],
            records=people.values_list(
                "email", "name", "organisation", "subscriptions__confirmed_at"
            ),
            row=_subscriber_row,
            filename=f"{mailing_list.slug}.csv",
        )


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["mailing_list", "status", "status_changed_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ConsentRecordInline(admin.TabularInline):
    """The consent history: evidence, so it is shown and never edited."""

    model = ConsentRecord
    fields = [
        "created_at",
        "mailing_list",
        "action",
        "method",
        "statement_version",
        "note",
        "recorded_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "consent history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organisation", "created_at"]
    list_filter = ["subscriptions__status", "subscriptions__mailing_list"]
    search_fields = ["email", "name", "organisation"]
    readonly_fields = ["email", "created_at", "updated_at"]
    fields = ["email", "name", "organisation", "created_at", "updated_at"]
    inlines = [SubscriptionInline, ConsentRecordInline]
    actions = ["unsubscribe", "suppress", "resend_confirmation", "erase"]
    change_list_template = "admin/subscriptions/subscriber/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Unsubscribe from all lists", permissions=["change"])
    def unsubscribe(self, request, queryset):
        ended = sum(
            services.subscriber_unsubscribe(
                subscriber=subscriber,
                method=ConsentRecord.Method.ADMIN,
                recorded_by=request.user.get_username(),
            )
            for subscriber in queryset
        )
        self.message_user(request, f"{ended} subscription(s) ended.", messages.SUCCESS)

    @admin.action(
        description="Suppress: never email again without a fresh opt-in", permissions=["change"]
    )
    def suppress(self, request, queryset):
        for subscriber in queryset:
            services.suppression_add(
                email=subscriber.email,
                reason=Suppression.Reason.STAFF,
                recorded_by=request.user.get_username(),
            )
        self.message_user(request, f"{queryset.count()} address(es) suppressed.", messages.SUCCESS)

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = sum(
            services.subscription_resend_confirmation(subscriber=subscriber)
            for subscriber in queryset
        )
        skipped = queryset.count() - sent
        self.message_user(
            request,
            f"Confirmation sent to {sent} subscriber(s)"
            + (f"; {skipped} had nothing waiting to confirm." if skipped else "."),
            messages.SUCCESS,
        )

    @admin.action(
        description="Erase (their details everywhere: subscriptions, bookings, feedback; "
        "keep a suppression hash)",
        permissions=["change"],
    )
    def erase(self, request, queryset):
        # The same erasure as the person's own and the command's, each one audited there.
        emails = list(queryset.values_list("email", flat=True))
        for email in emails:
            hooks.person_data_erase(email=email, by=request.user)
        self.message_user(request, f"{len(emails)} person(s) erased.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="subscriptions_subscriber_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV, state the lawful basis, and see what happened to every row."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = services.subscriber_import(
                    mailing_list=form.cleaned_data["mailing_list"],
                    csv_text=form.cleaned_data["file"],
                    lawful_basis=form.note(),
                    recorded_by=request.user.get_username(),
                    by=request.user,
                )
            except SubscriptionError as error:
                form.add_error("file", error.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import subscribers from a CSV file",
            "form": form,
            "report": report,
        }
        return render(request, "admin/subscriptions/subscriber/import.html", context)


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    """Read-only: an entry is removed only by the person confirming a fresh opt-in."""

    list_display = ["email_hash", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email_hash"]
    search_help_text = "Type a full email address to check whether it is suppressed."

    def get_search_results(self, request, queryset, search_term):
        # Only the hash is stored, so hash what staff type and look for that.
        if not search_term.strip():
            return queryset, False
        try:
            digest = email_hash(search_term)
        except ValidationError:
            return queryset.none(), False
        return queryset.filter(email_hash=digest), False
