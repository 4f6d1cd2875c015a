import secrets

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms

from dscp.dates import format_month
from dscp.organisations import CHOICE_MISSING, OTHER, check_other_is_named, organisation_choices
from dscp.validators import single_line
from training.models import Agency, Booking, Format, JobRole
from training.selectors import has_attended, job_roles_by_sector, months_with_sessions


def _column(name: str) -> int:
    return Booking._meta.get_field(name).max_length


class CourseFinderForm(forms.Form):
    """The course finder's filters; every field is optional and read from the query string."""

    role = forms.ModelChoiceField(
        queryset=JobRole.objects.none(),
        to_field_name="slug",
        required=False,
        label="Your job role",
        help_text="We will show the strand of each course that is for you.",
        empty_label="Any job role",
    )
    format = forms.ChoiceField(label="Format", required=False)
    month = forms.ChoiceField(label="Month", required=False)
    priority = forms.ChoiceField(label="Partnership priority", required=False)
    has_places = forms.BooleanField(label="Only show sessions with places left", required=False)

    def __init__(self, *args, priorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.queryset = JobRole.objects.all()
        # Grouped by sector (an optgroup each); the values stay the slugs the field looks up.
        role.choices = [
            ("", role.empty_label),
            *(
                (sector, [(r.slug, r.name) for r in roles])
                for sector, roles in job_roles_by_sector()
            ),
        ]
        self.fields["format"].choices = [("", "Any format"), *Format.choices]
        self.fields["month"].choices = [("", "Any month")] + [
            (f"{m:%Y-%m}", format_month(m)) for m in months_with_sessions()
        ]
        self.fields["priority"].choices = [("", "Any priority")] + [
            (p.slug, str(p)) for p in priorities
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Fieldset(
                Field.select("role"),
                Field.select("format"),
                Field.select("month"),
                Field.select("priority"),
                Field.checkbox("has_places"),
                legend="Filter courses",
                legend_size=Size.MEDIUM,
            ),
            Submit("filter", "Show courses", css_class="govuk-button--secondary"),
        )


class StrandFinderForm(forms.Form):
    """ "Which strand is for me?" on a course page."""

    role = forms.ModelChoiceField(
        queryset=JobRole.objects.none(),
        to_field_name="slug",
        required=False,
        label="Your job role",
        empty_label="Choose your job role",
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = JobRole.objects.filter(strands__course=course).order_by(
            "name"
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("role"),
            Submit("find", "Find my strand", css_class="govuk-button--secondary"),
        )


class BookingForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=_column("name"),
        validators=[single_line],
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=_column("email"),
        help_text="We will send your confirmation and calendar invitation here.",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": f"Email address must be {_column('email')} characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=_column("phone"),
        validators=[single_line],
        required=False,
        help_text="So the trainer can reach you on the day if something changes.",
    )
    agency = forms.ChoiceField(
        label="Organisation",
        error_messages={"required": CHOICE_MISSING},
    )
    agency_other = forms.CharField(
        label="Name of your organisation, if you chose Other",
        max_length=_column("agency_other"),
        validators=[single_line],
        required=False,
    )
    job_role = forms.CharField(
        label="Job role",
        max_length=_column("job_role"),
        validators=[single_line],
        help_text="For example, Health Visitor or Social Worker.",
        error_messages={"required": "Enter your job role"},
    )
    needs = forms.CharField(
        label="Access or dietary needs (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Tell us anything we need to arrange so you can take part.",
    )
    line_manager_email = forms.EmailField(
        label="Your line manager's email address (optional)",
        max_length=_column("line_manager_email"),
        required=False,
        help_text="We will send them a copy of your confirmation, without the link to change "
        "or cancel your booking.",
        error_messages={
            "invalid": "Enter your line manager's email address in the correct format, "
            "like name@example.org",
        },
    )
    form_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=_column("form_key")
    )
    waitlist = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, session_full: bool, prerequisite=None, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the list and for checking the choice: a booking rush posts this form.
        self._agencies = {str(a.pk): a for a in Agency.objects.filter(active=True)}
        self.prerequisite = prerequisite
        if prerequisite:
            self.fields["has_prerequisite"] = forms.BooleanField(
                label=f"I have completed {prerequisite.title}",
                required=False,
                help_text="You need to complete it before this course. If you took it with us, "
                "using the same email address, our register shows it and you need not tick this.",
            )
        self.fields["agency"].choices = organisation_choices(
            (pk, a.name) for pk, a in self._agencies.items()
        )
        if not self.is_bound:
            self.initial.setdefault("form_key", secrets.token_urlsafe(16))
            self.initial["waitlist"] = session_full
        self.helper = FormHelper()
        self.helper.form_show_errors = True
        # The page writes the <form> tag, the CSRF token and the form key itself: what
        # crispy renders is then the same for everyone and is cached (session_book.html).
        self.helper.form_tag = False
        # crispy writes a CSRF token even without the <form> tag: a cached one would
        # be the first visitor's, and every later post would be refused.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("name", autocomplete="name", spellcheck="false"),
            Field.text("email", autocomplete="email", spellcheck="false"),
            Field.text("phone", autocomplete="tel", field_width=20),
            Field.select("agency"),
            Field.text("agency_other", autocomplete="organization"),
            Field.text("job_role", autocomplete="organization-title"),
            Field.textarea("needs"),
            Field.text("line_manager_email", spellcheck="false"),
            *([Field.checkbox("has_prerequisite")] if prerequisite else []),
            "waitlist",
            Button.primary(
                "book",
                "Join the waiting list" if session_full else "Book a place",
                data_prevent_double_click="true",
            ),
        )

    def clean(self):
        data = super().clean()
        agency = data.get("agency")
        check_other_is_named(self, data)
        if agency == OTHER:
            data["agency_obj"] = None
        elif agency:
            data["agency_obj"] = self._agencies.get(agency)
            if data["agency_obj"] is None:
                self.add_error("agency", CHOICE_MISSING)
        data["prerequisite"] = Booking.Prerequisite.NOT_NEEDED
        if self.prerequisite:
            if data.get("has_prerequisite"):
                data["prerequisite"] = Booking.Prerequisite.CONFIRMED
            elif data.get("email") and has_attended(email=data["email"], course=self.prerequisite):
                data["prerequisite"] = Booking.Prerequisite.ON_RECORD
            else:
                self.add_error(
                    "has_prerequisite",
                    f"Confirm you have completed {self.prerequisite.title}, or book it first",
                )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "agency": data["agency_obj"],
            "agency_other": data["agency_other"],
            "job_role": data["job_role"],
            "needs": data["needs"],
            "line_manager_email": data["line_manager_email"],
            "form_key": data["form_key"],
            "waitlist_ok": data["waitlist"],
            "prerequisite": data["prerequisite"],
        }


class CancelSessionForm(forms.Form):
    """Admin: why a whole session is cancelled, quoted in the email to everyone booked."""

    reason = forms.CharField(
        label="Reason, for the email to everyone booked",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SessionCapacityForm(forms.Form):
    """Admin: the number of places on a session."""

    capacity = forms.IntegerField(
        label="Number of places",
        min_value=0,
        max_value=10_000,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 20",
            "min_value": "The number of places cannot be below 0",
            "max_value": "The number of places must be 10,000 or fewer",
        },
    )
