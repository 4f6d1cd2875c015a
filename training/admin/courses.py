"""Admin for what is offered: agencies, job roles, courses with their strands, external events."""

from django.contrib import admin

from training.models import Agency, Audience, Course, ExternalEvent, JobRole, Strand


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name"]


@admin.register(JobRole)
class JobRoleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AudienceInline(admin.TabularInline):
    model = Audience
    extra = 0
    verbose_name_plural = "audience groups (none: the course is for every practitioner)"


class StrandInline(admin.StackedInline):
    model = Strand
    extra = 0
    filter_horizontal = ["roles"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "priority", "active"]
    list_filter = ["active", "format", "priority"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["priority"]
    inlines = [AudienceInline, StrandInline]


@admin.register(ExternalEvent)
class ExternalEventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "organiser", "attendance", "published"]
    list_filter = ["published", "attendance"]
    search_fields = ["title", "organiser"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_on"
    autocomplete_fields = ["session"]
