"""The Atom feed of published issues."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from newsletter import selectors
from newsletter.models import Article

FEED_LENGTH = 20


class IssueFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.PARTNERSHIP['short_name']} Newsletter"
    subtitle = f"News, priority updates and training from the {settings.PARTNERSHIP['name']}."

    def link(self):
        return reverse("newsletter:issue_list")

    def author_name(self):
        return settings.PARTNERSHIP["name"]

    def items(self):
        return selectors.published_issues().prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("section__order", "order", "pk"))
        )[:FEED_LENGTH]

    def item_title(self, issue):
        return f"{self.title}: {issue.title}"

    def item_description(self, issue):
        return format_html(
            "<p>In this issue:</p><ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((a.title,) for a in issue.articles.all())),
        )

    def item_pubdate(self, issue):
        return issue.published_at

    def item_updateddate(self, issue):
        return issue.updated_at
