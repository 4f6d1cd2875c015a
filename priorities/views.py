from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from priorities import selectors
from priorities.models import Priority


@require_GET
def priority_list(request):
    return render(
        request, "priorities/priority_list.html", {"priorities": selectors.priority_overview()}
    )


@require_GET
def priority_detail(request, slug: str):
    try:
        priority = selectors.priority_detail(slug=slug)
    except Priority.DoesNotExist:
        raise Http404("No such priority") from None
    return render(request, "priorities/priority_detail.html", {"priority": priority})
