"""Deleting an image for an issue's text, never while it is still placed in that text."""

from django.db import transaction

from dscp.locking import bounded_lock_wait
from newsletter.accessibility import image_sources
from newsletter.errors import NewsletterError
from newsletter.models import Issue, IssueImage
from newsletter.sanitise import own_image_src
from newsletter.selectors import issue_texts


def image_placed_in(*, image: IssueImage, texts: dict[str, str]) -> list[str]:
    """The names of the texts (welcome, articles by title) in which the image is placed."""
    url = image.image.url
    return [
        name
        for name, html in texts.items()
        if any(own_image_src(src) == url for src in image_sources(html))
    ]


def issue_image_check_deletable(*, image: IssueImage, texts: dict[str, str]) -> None:
    """Raise, naming where, if the image is placed in any of these texts of its issue."""
    placed_in = image_placed_in(image=image, texts=texts)
    if placed_in:
        raise NewsletterError("image_in_use", image=image.alt, texts=" and ".join(placed_in))


@transaction.atomic
@bounded_lock_wait(NewsletterError)
def issue_image_delete(*, image: IssueImage) -> None:
    """Delete an image that no text of its issue shows; refuse while any still does.

    The issue's row is locked, so two deletes or a publish of the issue wait for
    each other; the pre-publish check flags any image that still goes missing.
    """
    issue = Issue.objects.select_for_update().get(pk=image.issue_id)
    issue_image_check_deletable(image=image, texts=issue_texts(issue=issue))
    image.delete()
