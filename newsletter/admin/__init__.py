"""Newsletter admin: content (sections, issues with their send pages, articles) and sends."""

from newsletter.admin import content, sends  # noqa: F401  registers the ModelAdmins
