"""Admin for the business unit: write an issue with its articles, preview it, publish it."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.text import capfirst
from django.views.decorators.csp import csp_override
from simple_history.admin import SimpleHistoryAdmin

from dscp.admin_columns import annotated_column
from newsletter import selectors, services
from newsletter.accessibility import issue_accessibility_problems
from newsletter.admin.buttons import ServiceButtons
from newsletter.emails import issue_email_sample
from newsletter.errors import NewsletterError
from newsletter.fields import RichTextField
from newsletter.forms import (
    GuidanceLinkFormSet,
    IssueForm,
    IssueImageForm,
    IssueImageFormSet,
    ResourceFormSet,
)
from newsletter.models import Article, GuidanceLink, Issue, IssueImage, Resource, Section
from newsletter.widgets import RichTextWidget

RICH_TEXT = {RichTextField: {"widget": RichTextWidget}}

# The email preview is the email's own HTML, styled inline as mail clients need;
# it may use inline styles and images, and never scripts.
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", settings.SITE_URL],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
}


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "order", "slug"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


class LabelledFileInputs:
    """A file field that already holds a file is shown as a group (legend, "Currently",
    "Change"), which leaves its file input with no label; name it after its field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.FileField) and formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield


class ArticleInline(LabelledFileInputs, admin.StackedInline):
    model = Article
    formfield_overrides = RICH_TEXT
    # Each article's text and extras fold away, so a long issue stays a short page.
    fieldsets = [
        (None, {"fields": [("section", "order"), "title", "slug"]}),
        ("Text", {"fields": ["summary", "body"], "classes": ["collapse"]}),
        ("Image", {"fields": [("image", "image_alt")], "classes": ["collapse"]}),
        (
            "Links and related pages",
            {
                "fields": [("link_url", "link_text"), ("priority", "course", "event")],
                "classes": ["collapse"],
            },
        ),
    ]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["section__order", "order", "pk"]
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Every article's menus (section, priority, course, event) share one read of
        # each list, rather than a query a menu an article.
        formfield.choices = list(formfield.choices)
        return formfield


class IssueImageInline(LabelledFileInputs, admin.StackedInline):
    """Images for the text: uploaded here, then placed in any article's text by their HTML."""

    model = IssueImage
    form = IssueImageForm
    formset = IssueImageFormSet
    # Stacked, not tabular: each field keeps its own label.
    fields = [("image", "alt"), "placing"]
    readonly_fields = ["placing"]
    extra = 1

    @admin.display(description="to place it in the text")
    def placing(self, image):
        if not image.pk:
            return "Save the issue, then place the image from here."
        return render_to_string("admin/newsletter/issue/_image_placing.html", {"image": image})


@admin.register(Issue)
class IssueAdmin(ServiceButtons, LabelledFileInputs, SimpleHistoryAdmin):
    form = IssueForm
    formfield_overrides = RICH_TEXT
    inlines = [IssueImageInline, ArticleInline]
    list_display = ["title", "issue_date", "publishing", "emailed", "article_count"]
    list_filter = ["status", "issue_date"]
    date_hierarchy = "issue_date"
    search_fields = ["title", "slug", "articles__title"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["publishing", "emailed", "length"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "issue_date", "introduction"]}),
        (
            "Cover image (optional)",
            {"fields": ["cover_image", "cover_image_alt"], "classes": ["collapse"]},
        ),
        ("Publishing and sending", {"fields": ["publishing", "publish_at", "emailed", "length"]}),
    ]
    actions = ["publish_selected", "unpublish_selected"]
    change_form_template = "admin/newsletter/issue/change_form.html"

    def get_queryset(self, request):
        # Counted in a subquery, so it does not multiply with the send figures' subqueries.
        articles = (
            Article.objects.filter(issue=OuterRef("pk"))
            .order_by()
            .values("issue")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return selectors.issues_with_plan(
            super()
            .get_queryset(request)
            .annotate(num_articles=Coalesce(Subquery(articles, output_field=IntegerField()), 0))
        )

    article_count = annotated_column("num_articles", description="articles")

    def _create_formsets(self, request, obj, change):
        # An image ticked for deletion is checked against the articles as this save leaves them.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if IssueImage in by_model:
            by_model[IssueImage].articles = by_model.get(Article)
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        # Articles first, so an image taken out of the text in this save can be deleted in it.
        formsets = sorted(formsets, key=lambda formset: formset.model is IssueImage)
        super().save_related(request, form, formsets, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = Issue.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra_context = {
            **(extra_context or {}),
            "links_to_follow": selectors.issue_links_to_follow(issue=issue) if issue else [],
            "accessibility_problems": (
                issue_accessibility_problems(
                    issue=issue,
                    articles=Article.objects.filter(issue=issue).order_by(
                        "section__order", "order", "pk"
                    ),
                )
                if issue
                else []
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="publishing", ordering="published_at")
    def publishing(self, issue):
        return selectors.issue_publish_state(issue) if issue.pk else "Draft"

    @admin.display(description="length")
    def length(self, issue):
        if not issue.pk:
            return "—"
        return selectors.issue_length(issue=issue).text

    @admin.display(description="emailed")
    def emailed(self, issue):
        return selectors.issue_send_state(issue) if issue.pk else "Not sent"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview-email/",
                view(self.preview_email),
                name="newsletter_issue_preview_email",
            ),
            path(
                "<int:pk>/preview-email.txt",
                view(self.preview_email_text),
                name="newsletter_issue_preview_email_text",
            ),
            path("<int:pk>/guidance/", view(self.guidance), name="newsletter_issue_guidance"),
            path("<int:pk>/publish/", view(self.publish), name="newsletter_issue_publish"),
            path("<int:pk>/unpublish/", view(self.unpublish), name="newsletter_issue_unpublish"),
            *super().get_urls(),
        ]

    def _issue(self, request, pk) -> Issue:
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        return issue

    def guidance(self, request, pk):
        """Every guidance link and resource of the issue on one page, for any of its articles.

        Django admin cannot nest an article's inlines inside the issue's, so the issue
        page links here: one formset per kind, each row choosing one of this issue's
        articles, saved together. It needs no JavaScript, unlike nested-inline packages.
        """
        issue = self._issue(request, pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
        formsets = [
            GuidanceLinkFormSet(
                data,
                queryset=GuidanceLink.objects.filter(article__issue=issue).select_related(
                    "article"
                ),
                issue=issue,
                prefix="links",
            ),
            ResourceFormSet(
                data,
                files,
                queryset=Resource.objects.filter(article__issue=issue).select_related("article"),
                issue=issue,
                prefix="resources",
            ),
        ]
        if data is not None and all(formset.is_valid() for formset in formsets):
            with transaction.atomic():
                for formset in formsets:
                    formset.save()
            self.message_user(request, "Guidance links and resources saved.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:newsletter_issue_guidance", args=[pk]))
        links, resources = formsets
        return TemplateResponse(
            request,
            "admin/newsletter/issue/guidance.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Guidance links and resources in “{issue}”",
                "issue": issue,
                "links": links,
                "resources": resources,
                "errors": sum(formset.total_error_count() for formset in formsets),
            },
        )

    def _preview(self, request, pk):
        return issue_email_sample(issue=self._issue(request, pk))

    def preview_email(self, request, pk):
        return csp_override(EMAIL_PREVIEW_CSP)(
            lambda request: HttpResponse(self._preview(request, pk).html)
        )(request)

    def preview_email_text(self, request, pk):
        rendered = self._preview(request, pk)
        return HttpResponse(
            f"Subject: {rendered.subject}\n\n{rendered.text}",
            content_type="text/plain; charset=utf-8",
        )

    def _button_arguments(self, request, issue) -> dict:
        return {"issue": issue, "by": request.user}

    def publish(self, request, pk):
        return self._button(
            request, pk, services.issue_publish, "“{issue}” is published: readers can see it now."
        )

    def unpublish(self, request, pk):
        return self._button(
            request,
            pk,
            services.issue_unpublish,
            "“{issue}” is back to draft: only staff can see it.",
        )

    def _bulk(self, request, queryset, service, done: str):
        for issue in queryset:
            try:
                service(issue=issue, by=request.user)
            except NewsletterError as error:
                self.message_user(request, f"{issue}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, done.format(issue=issue), messages.SUCCESS)

    @admin.action(description="Publish the selected issues", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, services.issue_publish, "“{issue}” is published.")

    @admin.action(
        description="Unpublish the selected issues (back to draft)", permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, services.issue_unpublish, "“{issue}” is back to draft.")


class GuidanceLinkInline(admin.TabularInline):
    model = GuidanceLink
    fields = ["title", "url", "publisher", "published_on", "order"]
    extra = 1


class ResourceInline(admin.StackedInline):
    model = Resource
    fields = [("title", "kind"), "summary", ("file", "url"), "order"]
    extra = 1


@admin.register(Article)
class ArticleAdmin(LabelledFileInputs, SimpleHistoryAdmin):
    formfield_overrides = RICH_TEXT
    inlines = [GuidanceLinkInline, ResourceInline]
    list_display = ["title", "issue", "section", "order", "priority"]
    list_filter = ["issue__status", "section", "issue", "priority"]
    list_select_related = ["issue", "section", "priority"]
    search_fields = ["title", "summary", "body", "issue__title"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["issue", ("section", "order"), "title", "slug", "summary", "body"]}),
        ("Image (optional)", {"fields": ["image", "image_alt"]}),
        ("Find out more link (optional)", {"fields": ["link_url", "link_text"]}),
        ("Related pages (optional)", {"fields": ["priority", "course", "event"]}),
        ("Live figures (optional)", {"fields": ["figure"]}),
    ]
