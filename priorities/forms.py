"""Admin forms: plain-English messages and the checks that span a cycle's phases."""

from django import forms
from django.forms.models import BaseInlineFormSet

from priorities.errors import MESSAGES
from priorities.models import Action, Document
from priorities.validators import DOCUMENT_TYPES, phase_order_errors


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["theme", "description", "owner", "start_date", "due_date", "status"]
        error_messages = {
            "owner": {"required": MESSAGES["action_owner_missing"]},
            "theme": {"required": "Choose a theme, or add a new one with the + button."},
            "description": {"required": "Describe the next step."},
            "due_date": {"required": "Enter the date this next step is due."},
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class ActionStatusForm(forms.ModelForm):
    """One row of the action plan's status column: its select is named after its step."""

    class Meta:
        model = Action
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["aria-label"] = f"Status of: {self.instance}"


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file", "url", "date", "summary", "order"]
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


# Which field of a phase's form carries each ordering error.
_PHASE_ERROR_FIELD = {
    "phase_number_repeated": "number",
    "phase_dates_out_of_order": "start_date",
    "phase_status_out_of_order": "status",
}


class PhaseFormSet(BaseInlineFormSet):
    """Phases are checked together: numbers once each, dates and statuses in number order."""

    def clean(self):
        super().clean()
        # Order is only worth judging once each phase is valid on its own.
        if any(form.errors for form in self.forms):
            return
        forms_kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        errors = phase_order_errors([form.instance for form in forms_kept])
        for index, error in errors.items():
            forms_kept[index].add_error(_PHASE_ERROR_FIELD[error.code], error)
