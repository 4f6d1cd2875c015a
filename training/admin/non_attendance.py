"""Admin for non-attendance: the policy over time, the report by organisation, invoicing CSVs."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify

from audit.services import EXPORT_PERMISSION, personal_data_download
from training import non_attendance
from training.models import NonAttendancePolicy


@admin.register(NonAttendancePolicy)
class NonAttendancePolicyAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "action", "charge", "late_cancellation_days"]
    fields = ["starts_on", "action", "charge", "late_cancellation_days"]

    def get_urls(self):
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="training_nonattendance_report",
            ),
            path(
                "report.csv",
                self.admin_site.admin_view(self.report_csv),
                name="training_nonattendance_csv",
            ),
            *super().get_urls(),
        ]

    def _period(self, request) -> non_attendance.Period:
        return non_attendance.period_from_key(request.GET.get("period", ""))

    def report_view(self, request):
        """Every organisation's no-shows and late cancellations in a period, or one's record."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = self._period(request)
        organisation = request.GET.get("organisation", "")[:200]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Non-attendance, {period.label}",
            "opts": self.model._meta,
            "period": period,
            "periods": non_attendance.recent_periods(),
            "organisation": organisation,
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
            "policies": NonAttendancePolicy.objects.all(),
        }
        if organisation:
            context["records"] = non_attendance.non_attendance_records(
                period=period, organisation=organisation
            )
            context["total"] = sum(record.charge for record in context["records"])
        else:
            context["totals"] = non_attendance.organisation_totals(period=period)
        return TemplateResponse(request, "admin/training/nonattendancepolicy/report.html", context)

    def report_csv(self, request):
        """One organisation's record for the period, to invoice it: names people, so audited."""
        organisation = request.GET.get("organisation", "")[:200]
        if not organisation:
            raise Http404("Choose an organisation.")
        period = self._period(request)
        return personal_data_download(
            by=request.user,
            what="Non-attendance",
            filters=f"{organisation}, {period.label}",
            header=[
                "Organisation",
                "Name",
                "Work email",
                "Course",
                "Session date",
                "What",
                "Cancelled at",
                "Outcome",
                "Charge (£)",
            ],
            records=non_attendance.non_attendance_records(period=period, organisation=organisation),
            row=lambda record: [
                record.booking.organisation,
                record.booking.name,
                record.booking.email,
                record.booking.session.course.title,
                f"{timezone.localtime(record.booking.session.starts_at):%Y-%m-%d}",
                record.kind,
                f"{timezone.localtime(record.booking.cancelled_at):%Y-%m-%d %H:%M}"
                if record.booking.cancelled_at
                else "",
                record.outcome,
                f"{record.charge:.2f}",
            ],
            filename=f"non-attendance-{slugify(organisation)}-{period.key}.csv",
        )
