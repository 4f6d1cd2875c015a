"""Admin for evaluation forms, their extra questions, responses, certificates and figures."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from evaluations.models import Certificate, Evaluation, Figure, Invitation, Question, Response


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["text", "kind", "choices", "required", "order"]


def _report_link(query: str, text: str = "View report") -> str:
    return format_html('<a href="{}?{}">{}</a>', reverse("evaluations:report"), query, text)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "session", "starts_on", "open_link", "active", "report"]
    list_filter = ["open_link", "active", "priority"]
    # Both are nullable (the default select_related skips them) and a session's name reads its course.
    list_select_related = ["course", "session__course"]
    search_fields = ["title", "course__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["course", "session"]
    inlines = [QuestionInline]
    readonly_fields = ["links"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "active", "links"]}),
        (
            "What it evaluates",
            {
                "fields": ["course", "session", "priority", "starts_on", "ends_on", "hours"],
                "description": "A course or one session; or, for an event such as "
                "Safeguarding Week, neither, with the event's dates.",
            },
        ),
        ("Open link", {"fields": ["open_link"]}),
    ]

    @admin.display(description="report")
    def report(self, evaluation):
        return _report_link(f"evaluation={evaluation.pk}")

    @admin.display(description="links")
    def links(self, evaluation):
        if not evaluation.pk:
            return "-"
        report = _report_link(f"evaluation={evaluation.pk}")
        if not evaluation.open_link:
            return report
        return format_html(
            '{} · open link: <a href="{}">{}</a>',
            report,
            evaluation.get_absolute_url(),
            evaluation.get_absolute_url(),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "report_url": reverse("evaluations:report")}
        return super().changelist_view(request, extra_context)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Records the portal writes: staff read them (and may delete), never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(_ReadOnlyAdmin):
    list_display = ["evaluation", "held_on", "source", "works_with", "agency", "rating"]
    list_filter = ["source", "works_with", "evaluation"]
    list_select_related = ["evaluation"]
    date_hierarchy = "held_on"


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    list_display = ["booking", "evaluation", "created_at", "sent_at", "used_at"]
    list_select_related = ["booking", "evaluation"]
    list_filter = ["evaluation"]


@admin.register(Certificate)
class CertificateAdmin(_ReadOnlyAdmin):
    list_display = ["code", "name", "title", "held_on", "hours", "issued_at"]
    search_fields = ["code", "name", "title"]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["title", "evaluation", "show_works_with", "show_ratings"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["evaluation"]
    search_fields = ["title"]
