import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from search.errors import MAX_QUERY_LENGTH, MESSAGES
from search.models import Entry

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SearchForm(forms.Form):
    """The search box (here and in the header) and the kind filter, read from the query string."""

    q = forms.CharField(
        label="Search the site",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": MESSAGES["query_too_long"]},
    )
    # A filter from a link: an unknown kind shows every kind rather than an error.
    kind = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # clean_q says what is wrong with NUL and every other control character.
        field = self.fields["q"]
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if _CONTROL.search(query):
            raise ValidationError(MESSAGES["query_control_characters"], code="control_characters")
        return query

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        return kind if kind in Entry.Kind.values else ""
