from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join

from dscp.admin_columns import annotated_column
from dscp.dates import format_date
from priorities import services
from priorities.forms import ActionForm, ActionStatusForm, DocumentForm, PhaseFormSet
from priorities.models import (
    Achievement,
    Action,
    ActionStatus,
    Document,
    LearningCycle,
    LearningPoint,
    Phase,
    Priority,
    Theme,
)


class LearningCycleInline(admin.StackedInline):
    model = LearningCycle
    extra = 0
    fields = ["title", "purpose", "start_date", "end_date", "phase_list"]
    readonly_fields = ["phase_list"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("phases")

    @admin.display(description="Phases")
    def phase_list(self, cycle):
        if not cycle.pk:
            return "Save the cycle, then use “Change” to add its phases."
        phases = cycle.phases.all()
        if not phases:
            return "None yet: use “Change” to add them."
        return format_html_join(
            "",
            "<div>Phase {}: {} ({})</div>",
            ((p.number, p.title, p.get_status_display()) for p in phases),
        )


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    fields = ["text", "date", "link", "order"]


class LearningPointInline(admin.StackedInline):
    model = LearningPoint
    extra = 0
    fields = ["phase", "text", "response", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this priority's phases make sense; the page's object id names the priority.
        if db_field.name == "phase":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Phase.objects.filter(cycle__priority_id=object_id).select_related(
                "cycle"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActionInline(admin.TabularInline):
    model = Action
    form = ActionForm
    extra = 0
    verbose_name_plural = "next steps (action plan)"
    fields = ["theme", "description", "owner", "start_date", "due_date", "status"]


class DocumentInline(admin.StackedInline):
    model = Document
    form = DocumentForm
    extra = 0


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "lead", "next_steps", "active"]
    list_display_links = ["number", "title"]
    list_filter = ["active"]
    search_fields = ["title", "summary", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["number", "title", "slug", "summary"]}),
        ("Lead and contact", {"fields": ["lead", "contact_email"]}),
        ("Listing", {"fields": ["order", "active"]}),
    ]
    inlines = [
        LearningCycleInline,
        AchievementInline,
        LearningPointInline,
        ActionInline,
        DocumentInline,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                steps_total=Count("actions"),
                steps_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            )
        )

    @admin.display(description="next steps done")
    def next_steps(self, priority):
        return f"{priority.steps_done} of {priority.steps_total}"


class PhaseInline(admin.TabularInline):
    model = Phase
    formset = PhaseFormSet
    extra = 1
    fields = ["number", "title", "description", "start_date", "end_date", "status"]


@admin.register(LearningCycle)
class LearningCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "priority", "start_date", "end_date"]
    list_filter = ["priority"]
    list_select_related = ["priority"]
    search_fields = ["title", "purpose"]
    inlines = [PhaseInline]


class ActionStatusFilter(admin.SimpleListFilter):
    """Open next steps unless asked otherwise: the action plan is about what is left to do."""

    title = "status"
    parameter_name = "status"
    OPEN, ALL = "open", "all"

    def lookups(self, request, model_admin):
        return [(self.OPEN, "Open (not done)"), *ActionStatus.choices, (self.ALL, "All")]

    def choices(self, changelist):
        current = self.value() or self.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.OPEN
        if value == self.OPEN:
            return queryset.open()
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(overdue=self.value() == "yes")
        return queryset


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """The action plan: every next step across the priorities, by owner, overdue first."""

    form = ActionForm
    list_display = [
        "owner",
        "description",
        "theme_and_priority",
        "due",
        "status",
    ]
    list_display_links = ["description"]
    list_editable = ["status"]
    list_filter = [ActionStatusFilter, OverdueFilter, "priority", "theme", "owner"]
    list_select_related = ["priority", "theme"]
    search_fields = ["description", "owner"]
    actions = ["mark_done"]
    fields = ["priority", *ActionForm.Meta.fields, "updated_at"]
    readonly_fields = ["updated_at"]

    def get_queryset(self, request):
        # Annotated before ordering, because the ordering uses the annotation.
        return Action.objects.with_overdue().order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["owner", "-overdue", "due_date", "pk"]

    def get_changelist_form(self, request, **kwargs):
        return ActionStatusForm

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "Action plan: open next steps by owner, overdue first",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="theme", ordering="theme__name")
    def theme_and_priority(self, action):
        # One column for both keeps the status column on screen at 1280px.
        return format_html(
            '{}<br><span class="quiet">Priority {}</span>', action.theme, action.priority.number
        )

    @admin.display(description="due", ordering="due_date")
    def due(self, action):
        # Overdue is derived from the due date and said in words, not with a tick or colour.
        if action.overdue:
            return format_html(
                '{}<br><strong class="dscp-warning">Overdue</strong>', format_date(action.due_date)
            )
        return format_date(action.due_date)

    @admin.action(description="Mark selected next steps as done", permissions=["change"])
    def mark_done(self, request, queryset):
        changed = services.action_mark_done(action_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            f"{changed} next step{'s' if changed != 1 else ''} marked as done.",
            messages.SUCCESS,
        )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "next_steps"]
    list_editable = ["order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("actions"))

    next_steps = annotated_column("step_count", description="next steps")
