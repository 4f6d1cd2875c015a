from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from dscp.organisations import CHOICE_MISSING, OTHER, check_other_is_named, organisation_choices
from evaluations.errors import MESSAGES
from evaluations.models import RATING_RANGE, SCALE_RANGE, Evaluation, Question, WorksWith
from evaluations.services import SCORES, TEXT_LIMIT, Answers
from training import selectors as training_selectors


def _scale(name: str, legend: str, hint: str) -> forms.TypedChoiceField:
    label, (low, high) = SCORES[name]
    return forms.TypedChoiceField(
        label=legend,
        help_text=hint,
        choices=[(n, str(n)) for n in range(low, high + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": MESSAGES["answer_missing"].format(label=legend),
            "invalid_choice": MESSAGES["score_out_of_range"].format(
                label=label, low=low, high=high
            ),
        },
    )


_SCALE_HINT = "1 means you knew little about it, 10 means you have in-depth knowledge."
_CONFIDENCE_HINT = "1 means not at all confident, 10 means very confident."


class ResponseForm(forms.Form):
    """The standard evaluation questions, then any the form's staff added."""

    works_with = forms.ChoiceField(
        label="Do you work with",
        choices=WorksWith.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you work with children, adults or both"},
    )
    agency = forms.ChoiceField(
        label="Your organisation",
        error_messages={"required": CHOICE_MISSING},
    )
    agency_other = forms.CharField(
        label="If other, the name of your organisation", max_length=200, required=False
    )
    rating = _scale(
        "rating",
        "How did you rate the session overall?",
        f"{RATING_RANGE[0]} is poor, {RATING_RANGE[1]} is excellent.",
    )
    knowledge_before = _scale(
        "knowledge_before", "Your knowledge of the subject before the session", _SCALE_HINT
    )
    knowledge_after = _scale(
        "knowledge_after", "Your knowledge of the subject after the session", _SCALE_HINT
    )
    confidence_before = _scale(
        "confidence_before",
        "Your confidence in this area of practice before the session",
        _CONFIDENCE_HINT,
    )
    confidence_after = _scale(
        "confidence_after",
        "Your confidence in this area of practice after the session",
        _CONFIDENCE_HINT,
    )
    do_differently = forms.CharField(
        label="What will you do differently in your practice? (optional)",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    comments = forms.CharField(
        label="Any other comments (optional)",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, evaluation: Evaluation, agency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        names = training_selectors.agency_names()
        self.fields["agency"].choices = organisation_choices((name, name) for name in names)
        if agency and not self.is_bound:
            # Filled in from the booking, so an attendee need not say it again.
            self.initial["agency"] = agency if agency in names else OTHER
            self.initial["agency_other"] = "" if agency in names else agency
        self.questions = list(evaluation.questions.all())
        extra = []
        for question in self.questions:
            self.fields[question.field_name] = self._question_field(question)
            extra.append(
                Field.textarea(question.field_name)
                if question.kind == Question.Kind.TEXT
                else Field.radios(question.field_name, legend_size=Size.SMALL, inline=True)
            )
        self.helper = FormHelper()
        self.helper.form_show_errors = True
        scale = {"legend_size": Size.SMALL, "inline": True}
        self.helper.layout = Layout(
            Fieldset(
                Field.radios("works_with", legend_size=Size.SMALL),
                Field.select("agency"),
                Field.text("agency_other", autocomplete="organization"),
                legend="About you",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("rating", **scale),
                Field.radios("knowledge_before", **scale),
                Field.radios("knowledge_after", **scale),
                Field.radios("confidence_before", **scale),
                Field.radios("confidence_after", **scale),
                legend="The session",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("do_differently"),
            Field.textarea("comments"),
            *extra,
            Button.primary("send", "Send feedback", data_prevent_double_click="true"),
        )

    @staticmethod
    def _question_field(question: Question) -> forms.Field:
        label = question.text if question.required else f"{question.text} (optional)"
        required = {"required": MESSAGES["answer_missing"].format(label=question.text)}
        if question.kind == Question.Kind.TEXT:
            return forms.CharField(
                label=label,
                required=question.required,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages=required,
            )
        options = (
            [str(n) for n in range(SCALE_RANGE[0], SCALE_RANGE[1] + 1)]
            if question.kind == Question.Kind.SCALE
            else question.options
        )
        return forms.ChoiceField(
            label=label,
            required=question.required,
            choices=[(option, option) for option in options],
            widget=forms.RadioSelect,
            error_messages={
                **required,
                "invalid_choice": MESSAGES["choice_invalid"].format(label=question.text),
            },
        )

    def clean(self):
        data = super().clean()
        check_other_is_named(self, data)
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        agency = data["agency_other"] if data["agency"] == OTHER else data["agency"]
        return Answers(
            works_with=data["works_with"],
            agency=agency,
            rating=data["rating"],
            knowledge_before=data["knowledge_before"],
            knowledge_after=data["knowledge_after"],
            confidence_before=data["confidence_before"],
            confidence_after=data["confidence_after"],
            do_differently=data["do_differently"],
            comments=data["comments"],
            extra={q.field_name: data.get(q.field_name) or "" for q in self.questions},
        )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        help_text="It is printed on the certificate, for example DSCP-7K3M-Q9XD.",
        max_length=40,
        error_messages={"required": "Enter the code printed on the certificate"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("code", field_width=10, spellcheck="false", autocomplete="off"),
            Button.primary("check", "Check the certificate"),
        )
