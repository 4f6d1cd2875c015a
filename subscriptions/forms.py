"""Forms: they parse and explain what is wrong; the services decide what happens."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from dscp.addresses import MAX_LENGTH, normalise_email
from dscp.validators import single_line
from subscriptions import consent
from subscriptions.models import MailingList, Subscriber


class _EmailAddressField(forms.CharField):
    # A CharField, not EmailField: normalise_email gives the plain-English
    # reasons, including the header-injection ones EmailField would not name.
    def clean(self, value) -> str:
        return normalise_email(super().clean(value))


def _email_field() -> forms.CharField:
    return _EmailAddressField(
        label="Email address",
        max_length=MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "max_length": f"Email address must be {MAX_LENGTH} characters or fewer",
        },
    )


def _name_fields() -> dict[str, forms.CharField]:
    return {
        "name": forms.CharField(
            label="Name (optional)",
            max_length=Subscriber.NAME_MAX,
            required=False,
            validators=[single_line],
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
            error_messages={
                "max_length": f"Name must be {Subscriber.NAME_MAX} characters or fewer"
            },
        ),
        "organisation": forms.CharField(
            label="Organisation (optional)",
            help_text="For example, the school, practice or team you work for.",
            max_length=Subscriber.ORGANISATION_MAX,
            required=False,
            validators=[single_line],
            widget=forms.TextInput(attrs={"autocomplete": "organization"}),
            error_messages={
                "max_length": f"Organisation must be {Subscriber.ORGANISATION_MAX} characters or fewer"
            },
        ),
    }


def _lists_field(lists, *, required: bool) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="What would you like to get?",
        choices=[Choice(str(m.pk), m.name, hint=m.description) for m in lists],
        widget=forms.CheckboxSelectMultiple,
        required=required,
        error_messages={
            "required": "Choose at least one list",
            "invalid_choice": "Choose from the lists shown",
        },
    )


def _statement_html() -> HTML:
    return HTML(
        format_html(
            '<div class="govuk-inset-text" id="consent-statement">'
            '<p class="govuk-body">{}</p><p class="govuk-body">'
            '<a class="govuk-link" href="{}#newsletter">Read the privacy notice</a></p></div>',
            consent.CURRENT.text,
            reverse("privacy"),
        )
    )


class _ListsMixin:
    def clean_lists(self) -> list[MailingList]:
        ids = {int(pk) for pk in self.cleaned_data["lists"]}
        return [m for m in self.lists if m.pk in ids]


class SubscribeForm(_ListsMixin, forms.Form):
    email = _email_field()
    # A field people never see or fill in; bots that fill every field do.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = list(lists)
        self.fields.update(_name_fields())
        self.fields["lists"] = _lists_field(self.lists, required=True)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email"),
            Field.text("name"),
            Field.text("organisation"),
            Field.checkboxes("lists", legend_size=Size.MEDIUM),
            Div(Field.text("website"), css_class="govuk-visually-hidden", aria_hidden="true"),
            _statement_html(),
            Submit("subscribe", "Subscribe"),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class UnsubscribeForm(forms.Form):
    email = _email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email"), Submit("send", "Send me an unsubscribe link")
        )


class PreferencesForm(_ListsMixin, forms.Form):
    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = list(lists)
        self.fields.update(_name_fields())
        self.fields["lists"] = _lists_field(self.lists, required=False)
        self.fields["lists"].help_text = "Untick a list to stop getting it."
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.checkboxes("lists", legend_size=Size.MEDIUM),
            Field.text("name"),
            Field.text("organisation"),
            _statement_html(),
            Submit("save", "Save my choices"),
        )


class ImportForm(forms.Form):
    """Staff upload a CSV of people to add to one list, stating why we may mail them."""

    LAWFUL_BASES = [
        ("consent", "Consent, given elsewhere (for example a signed form at an event)"),
        ("public_task", "Public task (the partnership's statutory safeguarding role)"),
        ("legitimate_interests", "Legitimate interests, with an assessment on file"),
    ]

    mailing_list = forms.ModelChoiceField(
        queryset=MailingList.objects.all(),
        label="List to add them to",
        error_messages={"required": "Choose a list", "invalid_choice": "Choose a list"},
    )
    lawful_basis = forms.ChoiceField(
        choices=LAWFUL_BASES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful basis for emailing these people"},
    )
    evidence = forms.CharField(
        label="Where and when they agreed, and where the evidence is kept",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say where and when these people agreed to be emailed"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="A header row with an ‘email’ column; ‘name’ and ‘organisation’ are optional.",
        error_messages={"required": "Choose a CSV file"},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file must be a CSV file saved as UTF-8") from None

    def note(self) -> str:
        basis = dict(self.LAWFUL_BASES)[self.cleaned_data["lawful_basis"]]
        return f"Lawful basis: {basis}. Evidence: {self.cleaned_data['evidence']}"
