from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Main navigation in the partnership's order. An entry whose page does not
# exist yet is left out rather than linking to a dead end.
NAVIGATION = [
    ("Newsletter", "newsletter:issue_list"),
    ("Priorities", "priorities:priority_list"),
    ("Training", "training:course_list"),
    ("Subscribe", "subscriptions:subscribe"),
    ("Contact", "contact"),
]


def _navigation(path: str) -> list[dict]:
    items = []
    for label, name in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": path.startswith(url)})
    return items


def site(request):
    """The partnership's details and the main navigation, for every template."""
    return {
        "partnership": settings.PARTNERSHIP,
        "site_url": settings.SITE_URL,
        "navigation": _navigation(request.path),
    }
