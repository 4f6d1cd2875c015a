"""Public newsletter pages: the archive, an issue, an article. Drafts are for staff only."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dscp.pagecache import cache_public_page
from dscp.uploads import upload_response
from newsletter import selectors

ISSUES_PER_PAGE = 12


@require_GET
@cache_public_page
def issue_list(request):
    page = Paginator(selectors.archive_issues(), ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "newsletter/issue_list.html", {"page": page})


def _issue_or_404(request, slug: str):
    issue = selectors.issue_for_viewer(slug=slug, user=request.user)
    if issue is None:
        raise Http404("No such issue")
    return issue


@require_GET
@cache_public_page
def issue_detail(request, slug):
    issue = _issue_or_404(request, slug)
    articles = selectors.issue_articles(issue=issue)
    return render(
        request,
        "newsletter/issue_detail.html",
        {"issue": issue, "sections": selectors.issue_sections(articles=articles)},
    )


@require_GET
@cache_public_page
def article_detail(request, issue_slug, slug):
    issue = _issue_or_404(request, issue_slug)
    article = selectors.article_for_viewer(issue=issue, slug=slug)
    if article is None:
        raise Http404("No such article")
    return render(request, "newsletter/article_detail.html", {"issue": issue, "article": article})


@require_GET
def upload(request, name):
    """An issue's cover, an article's image or a resource: public once the issue is published."""
    stored = f"newsletter/{name}"
    if not selectors.upload_visible_to(name=stored, user=request.user):
        raise Http404("No such file")
    return upload_response(stored)
