"""Admin for sends: their progress page, with pause, resume and cancel."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from dscp.admin_columns import annotated_column
from newsletter import selectors, services
from newsletter.admin.buttons import ServiceButtons
from newsletter.errors import NewsletterError
from newsletter.forms import SendForm, TestSendForm
from newsletter.models import Delivery, Issue, Send


@admin.register(Send)
class SendAdmin(ServiceButtons, admin.ModelAdmin):
    """Sends are started from an issue ("Send to lists…"); their page shows progress."""

    list_display = ["issue", "status", "scheduled_for", "sent_count", "failed_count", "started_by"]
    list_filter = ["status"]
    list_select_related = ["issue", "started_by"]
    search_fields = ["issue__title"]
    date_hierarchy = "scheduled_for"

    def get_queryset(self, request):
        state = Delivery.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_sent=Count("deliveries", filter=Q(deliveries__state=state.SENT)),
                num_failed=Count("deliveries", filter=Q(deliveries__state=state.FAILED)),
            )
        )

    sent_count = annotated_column("num_sent", description="sent")
    failed_count = annotated_column("num_failed", description="failed")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A send is the record of who was mailed; it stays.
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/<int:issue_id>/", view(self.new_send), name="newsletter_send_new"),
            path("test/<int:issue_id>/", view(self.test_send), name="newsletter_send_test"),
            path("<int:pk>/pause/", view(self.pause), name="newsletter_send_pause"),
            path("<int:pk>/resume/", view(self.resume), name="newsletter_send_resume"),
            path("<int:pk>/cancel/", view(self.cancel), name="newsletter_send_cancel"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    def _issue(self, request, issue_id) -> Issue:
        if not request.user.has_perm("newsletter.add_send"):
            raise PermissionDenied
        return get_object_or_404(Issue, pk=issue_id)

    def new_send(self, request, issue_id):
        """Choose lists and a time, see exactly how many people that reaches, then confirm."""
        issue = self._issue(request, issue_id)
        # A draft is published as its send starts: "publish and send" in one step.
        publish = not issue.is_published
        verb = "Publish and send" if publish else "Send"
        form = SendForm(request.POST or None)
        already = selectors.issue_delivered_count(issue=issue)
        if request.method == "POST" and form.is_valid():
            lists = list(form.cleaned_data["lists"])
            if "confirm" in request.POST:
                try:
                    send = services.send_create(
                        issue=issue,
                        lists=lists,
                        by=request.user,
                        scheduled_for=form.cleaned_data["scheduled_for"],
                        publish=publish,
                    )
                except NewsletterError as error:
                    form.add_error(None, error.message)
                else:
                    self.message_user(request, f"“{issue}” is on its way.", messages.SUCCESS)
                    return HttpResponseRedirect(send.get_absolute_url())
            else:
                return TemplateResponse(
                    request,
                    "admin/newsletter/send/confirm.html",
                    self._context(
                        request,
                        title=f"{verb} “{issue}”?",
                        issue=issue,
                        form=form,
                        lists=lists,
                        publish=publish,
                        publish_problem=self._publish_problem(issue) if publish else "",
                        already=already,
                        recipients=selectors.send_recipient_count(issue=issue, lists=lists),
                    ),
                )
        return TemplateResponse(
            request,
            "admin/newsletter/send/new.html",
            self._context(
                request,
                title=f"{verb} “{issue}” to lists",
                issue=issue,
                form=form,
                publish=publish,
                already=already,
            ),
        )

    @staticmethod
    def _publish_problem(issue: Issue) -> str:
        try:
            services.issue_check_publishable(issue=issue)
        except NewsletterError as error:
            return error.message
        return ""

    def test_send(self, request, issue_id):
        issue = self._issue(request, issue_id)
        form = TestSendForm(request.POST or None, initial={"addresses": request.user.email})
        if request.method == "POST" and form.is_valid():
            addresses = form.cleaned_data["addresses"]
            services.send_test_request(issue=issue, to=addresses)
            self.message_user(
                request,
                f"A test of “{issue}” is on its way to {', '.join(addresses)}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:newsletter_issue_change", args=[issue.pk]))
        return TemplateResponse(
            request,
            "admin/newsletter/send/test.html",
            self._context(request, title=f"Send a test of “{issue}”", issue=issue, form=form),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        send = get_object_or_404(Send.objects.select_related("issue", "started_by"), pk=object_id)
        if not self.has_view_permission(request, send):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/newsletter/send/progress.html",
            self._context(
                request,
                title=selectors.send_heading(send=send),
                send=send,
                lists=list(send.lists.all()),
                progress=selectors.send_progress(send=send),
                failures=selectors.send_failures(send=send),
                original=send,
                has_change_permission=self.has_change_permission(request, send),
            ),
        )

    def _button_arguments(self, request, send) -> dict:
        return {"send": send}

    def pause(self, request, pk):
        return self._button(
            request, pk, services.send_pause, "Paused. Messages already on their way finish."
        )

    def resume(self, request, pk):
        return self._button(request, pk, services.send_resume, "Resumed from where it stopped.")

    def cancel(self, request, pk):
        return self._button(
            request,
            pk,
            services.send_cancel,
            "Cancelled. No one else will be sent this issue by this send.",
        )
