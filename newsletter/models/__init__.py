"""The newsletter's models, one module per aggregate: ``content`` (what an issue says),
``images`` (pictures in its text) and ``sending`` (how it was mailed)."""

from newsletter.models.content import (
    Article,
    GuidanceLink,
    Issue,
    Resource,
    Section,
)
from newsletter.models.images import IssueImage
from newsletter.models.sending import Delivery, Send

__all__ = [
    "Article",
    "Delivery",
    "GuidanceLink",
    "Issue",
    "IssueImage",
    "Resource",
    "Section",
    "Send",
]
