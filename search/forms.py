from django import forms

from search.errors import MAX_QUERY_LENGTH, MESSAGES
from search.models import Entry


class SearchForm(forms.Form):
    """The search box (here and in the header) and the kind filter, read from the query string.

    Control characters never get here: dscp.middleware.RequestGuardMiddleware
    answers them with the 400 page, as for every other page.
    """

    q = forms.CharField(
        label="Search the site",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": MESSAGES["query_too_long"]},
    )
    # A filter from a link: an unknown kind shows every kind rather than an error.
    kind = forms.CharField(required=False)

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        return kind if kind in Entry.Kind.values else ""
