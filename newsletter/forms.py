"""Staff forms for sending an issue: a test to a few addresses, or the real thing to lists."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dscp.addresses import normalise_email
from dscp.images import image_fitted
from newsletter import selectors, services
from newsletter.errors import NewsletterError
from newsletter.models import Article, GuidanceLink, Issue, IssueImage, Resource
from newsletter.models.images import IMAGE_MAX_WIDTH
from newsletter.validators import validate_image
from subscriptions import selectors as subscription_selectors

MAX_TEST_ADDRESSES = 10


class TestSendForm(forms.Form):
    addresses = forms.CharField(
        label="Send a test to",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"One email address per line, up to {MAX_TEST_ADDRESSES}.",
    )

    def clean_addresses(self) -> list[str]:
        lines = [line for line in self.cleaned_data["addresses"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError("Enter at least one email address.", code="required")
        if len(lines) > MAX_TEST_ADDRESSES:
            raise ValidationError(
                f"Enter {MAX_TEST_ADDRESSES} addresses or fewer; a test is not a send.",
                code="too_many",
            )
        addresses, problems = [], []
        for line in lines:
            try:
                addresses.append(normalise_email(line))
            except ValidationError as error:
                problems.append(f"“{line.strip()[:80]}”: {error.messages[0]}")
        if problems:
            raise ValidationError(problems, code="invalid")
        return list(dict.fromkeys(addresses))


class IssueForm(forms.ModelForm):
    """The issue editor's own fields; its articles are inlines."""

    class Meta:
        model = Issue
        fields = [
            "title",
            "slug",
            "issue_date",
            "introduction",
            "cover_image",
            "cover_image_alt",
            "publish_at",
        ]

    def clean_publish_at(self):
        publish_at = self.cleaned_data.get("publish_at")
        published = self.instance.pk and self.instance.is_published
        if publish_at and published:
            return None  # already live: nothing to schedule
        if publish_at and publish_at <= timezone.now():
            raise ValidationError(
                "Choose a time in the future, or use “Publish this issue” to publish now.",
                code="publish_in_the_past",
            )
        return publish_at


class IssueImageForm(forms.ModelForm):
    """An image for the issue's text: checked, then made upright, smaller and free of metadata."""

    class Meta:
        model = IssueImage
        fields = ["image", "alt"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or getattr(upload, "_committed", False):
            return upload  # the file already stored; only its description changed
        validate_image(upload)
        fitted = image_fitted(upload, max_width=IMAGE_MAX_WIDTH)
        if fitted is None:
            raise NewsletterError("upload_content_mismatch", allowed="an image").validation_error()
        self.instance.width, self.instance.height = fitted.width, fitted.height
        return fitted.file


class IssueImageFormSet(forms.BaseInlineFormSet):
    """The issue's images; one ticked for deletion is refused while the text still shows it.

    The issue's page links ``articles`` (its article formset), so the texts checked
    are the ones this save leaves: an image taken out of an article and deleted in
    one save is allowed. The admin saves the articles first, and the deletion itself
    goes through the service, which checks again under the issue's lock.
    """

    articles: forms.BaseInlineFormSet | None = None

    def _texts_after_save(self) -> dict[str, str]:
        if self.articles is None:
            return selectors.issue_texts(issue=self.instance)
        self.articles.is_valid()
        deleted = self.articles.deleted_forms if self.articles.can_delete else []
        texts = {"Welcome": self.data.get("introduction", self.instance.introduction)}
        for form in self.articles.forms:
            data = getattr(form, "cleaned_data", {})
            if form in deleted or not (form.instance.pk or form.has_changed()):
                continue
            title = data.get("title", form.instance.title)
            texts[f"the article “{title}”"] = data.get("body", form.instance.body)
        return texts

    def clean(self):
        super().clean()
        deleted = [form.instance for form in self.deleted_forms if form.instance.pk]
        if not deleted:
            return
        texts, errors = self._texts_after_save(), []
        for image in deleted:
            try:
                services.issue_image_check_deletable(image=image, texts=texts)
            except NewsletterError as error:
                errors.append(error.validation_error())
        if errors:
            raise ValidationError(errors)

    def delete_existing(self, obj, commit=True):
        if commit:
            services.issue_image_delete(image=obj)


class SendForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        queryset=subscription_selectors.lists_with_counts(),
        widget=forms.CheckboxSelectMultiple,
        label="Send to these lists",
        error_messages={"required": "Choose at least one mailing list to send to."},
    )
    when = forms.ChoiceField(
        choices=[("now", "Now"), ("later", "At a time I choose")],
        widget=forms.RadioSelect,
        initial="now",
        label="When",
    )
    scheduled_for = forms.DateTimeField(
        required=False,
        label="Date and time (UK time)",
        help_text="For example 6 February at 9:30am is 2024-02-06 09:30.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].label_from_instance = lambda mailing_list: (
            f"{mailing_list.name} ({mailing_list.active_count} subscribed)"
        )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            scheduled_for = data.get("scheduled_for")
            if scheduled_for is None:
                self.add_error("scheduled_for", "Enter the date and time to send the issue.")
            elif scheduled_for <= timezone.now():
                self.add_error("scheduled_for", "Choose a time in the future, or send now.")
        else:
            data["scheduled_for"] = None
        return data


class _IssueRowForm(forms.ModelForm):
    """One row on the issue's "Guidance links and resources" page: it belongs to one of
    this issue's articles, and each field is named for screen readers (a table row has
    no room for labels)."""

    row_name = "row"

    def __init__(self, *args, articles: list[Article], **kwargs):
        super().__init__(*args, **kwargs)
        article = self.fields["article"]
        article.queryset = Article.objects.filter(pk__in=[a.pk for a in articles])
        # The rows' menus share the articles their formset read once, not a query a row.
        article.choices = [("", article.empty_label), *((a.pk, str(a)) for a in articles)]
        row = f"{self.row_name} {self.prefix.rsplit('-', 1)[-1]}" if self.prefix else self.row_name
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} ({row})"


class GuidanceLinkForm(_IssueRowForm):
    row_name = "link"

    class Meta:
        model = GuidanceLink
        fields = ["article", "title", "url", "publisher", "published_on", "order"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}


class ResourceForm(_IssueRowForm):
    row_name = "resource"

    class Meta:
        model = Resource
        fields = ["article", "title", "kind", "summary", "file", "url", "order"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2, "cols": 30})}


class _IssueRows(forms.BaseModelFormSet):
    """The rows of one kind for one issue, each choosing one of the issue's articles."""

    def __init__(self, *args, issue: Issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.articles = list(
            Article.objects.filter(issue=issue).order_by("section__order", "order", "pk")
        )

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "articles": self.articles}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete ({form.row_name} {index})"


def _rows(model, form):
    return forms.modelformset_factory(
        model, form=form, formset=_IssueRows, extra=3, can_delete=True
    )


GuidanceLinkFormSet = _rows(GuidanceLink, GuidanceLinkForm)
ResourceFormSet = _rows(Resource, ResourceForm)
