"""The staff report's filters and its CSV export."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.http import QueryDict

from dscp.dates import format_date
from evaluations.models import Evaluation, Response
from evaluations.selectors import ReportFilters
from priorities import selectors as priority_selectors
from training import selectors as training_selectors


class ReportFilterForm(forms.Form):
    evaluation = forms.ModelChoiceField(
        queryset=Evaluation.objects.all(),
        required=False,
        empty_label="Any form",
        label="Evaluation form",
    )
    course = forms.ModelChoiceField(
        queryset=training_selectors.all_courses(), required=False, empty_label="Any course"
    )
    session = forms.ModelChoiceField(
        queryset=training_selectors.all_sessions().none(),
        required=False,
        empty_label="Any session",
    )
    priority = forms.ModelChoiceField(
        queryset=priority_selectors.all_priorities(), required=False, empty_label="Any priority"
    )
    date_from = forms.DateField(
        label="From (optional)",
        required=False,
        help_text="For example, 20/11/2023",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    date_to = forms.DateField(
        label="To (optional)",
        required=False,
        help_text="For example, 24/11/2023",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only sessions someone has answered about: the list stays short.
        self.fields["session"].queryset = (
            training_selectors.all_sessions()
            .filter(pk__in=Response.objects.values("session"))
            .select_related("course")
            .order_by("-starts_at")
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Fieldset(
                Field.select("evaluation"),
                Field.select("course"),
                Field.select("session"),
                Field.select("priority"),
                Field.text("date_from", field_width=10),
                Field.text("date_to", field_width=10),
                legend="Choose responses",
                legend_size=Size.MEDIUM,
            ),
            Button.primary("show", "Show report"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


def filters_from(query: QueryDict) -> tuple[ReportFilterForm, ReportFilters]:
    """The filter form as submitted, and the filters it chose (none where it is invalid)."""
    form = ReportFilterForm(query or None)
    if not form.is_bound or not form.is_valid():
        return form, ReportFilters()
    return form, ReportFilters(**form.cleaned_data)


HEADER = [
    "submitted",
    "form",
    "source",
    "course",
    "session",
    "training date",
    "works with",
    "organisation",
    "overall rating (1-5)",
    "knowledge before (1-10)",
    "knowledge after (1-10)",
    "confidence before (1-10)",
    "confidence after (1-10)",
    "what they will do differently",
    "comments",
    "other answers",
]


def response_row(r: Response) -> list[str]:
    """One response as a CSV row; no names or emails, since the reports are about the training."""
    return [
        r.submitted_at.isoformat(timespec="minutes"),
        r.evaluation.title,
        r.get_source_display(),
        r.course.title if r.course else "",
        str(r.session) if r.session else "",
        format_date(r.held_on),
        r.get_works_with_display(),
        r.agency,
        str(r.rating),
        str(r.knowledge_before),
        str(r.knowledge_after),
        str(r.confidence_before),
        str(r.confidence_after),
        r.do_differently,
        r.comments,
        "; ".join(f"{a['question']}: {a['answer']}" for a in r.answers.values()),
    ]
