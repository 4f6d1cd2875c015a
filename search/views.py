"""The search results page and the OpenSearch description browsers read."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import selectors
from search.forms import SearchForm

SUGGESTIONS = ["DBS", "unseen males", "Eyes on the Baby", "domestic abuse"]


@require_GET
def search(request):
    form = SearchForm(request.GET)
    results = None
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    if query:
        results = selectors.search(
            query=query,
            kind=kind,
            page_number=request.GET.get("page"),
        )
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "query": query,
            "kind": kind,
            # What the pages of results keep: the cleaned query, and the kind if one is chosen.
            "page_query": urlencode({"q": query, **({"kind": kind} if kind else {})}),
            "results": results,
            "suggestions": SUGGESTIONS,
        },
    )


@require_GET
def opensearch(request):
    return render(
        request,
        "search/opensearch.xml",
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
