from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dscp.pagecache import cache_public_page
from dscp.uploads import upload_response
from priorities import hooks, selectors
from priorities.models import Priority


@require_GET
@cache_public_page
def priority_list(request):
    return render(
        request, "priorities/priority_list.html", {"priorities": selectors.priority_overview()}
    )


@require_GET
@cache_public_page
def priority_detail(request, slug: str):
    try:
        priority = selectors.priority_detail(slug=slug)
    except Priority.DoesNotExist:
        raise Http404("No such priority") from None
    context = {
        "priority": priority,
        # What the apps above link to this priority, each shown only if there is some.
        "courses": list(hooks.courses_for_priority(priority=priority)),
        "articles": list(hooks.articles_for_priority(priority=priority)),
        "impact": hooks.impact_for_priority(priority=priority),
    }
    return render(request, "priorities/priority_detail.html", context)


@require_GET
def document_file(request, name: str):
    """A priority's uploaded report or document: public while the priority is active."""
    stored = f"priorities/{name}"
    if not selectors.document_file_visible_to(name=stored, user=request.user):
        raise Http404("No such file")
    return upload_response(stored)
