"""Pictures placed in an issue's text: uploaded on the issue's page, then put in any article."""

from django.db import models
from django.utils.html import format_html

from newsletter.errors import MESSAGES
from newsletter.models.content import Issue
from newsletter.sanitise import IMAGE_FOLDER
from newsletter.validators import validate_image

# Wider than this is made smaller on upload: twice the email's column, sharp on any screen.
IMAGE_MAX_WIDTH = 1200
# The email is 600 pixels wide with 24 on each side; its images say so, for mail clients
# that ignore CSS. Pages scale them to the column with CSS.
IMAGE_DISPLAY_WIDTH = 552


class IssueImage(models.Model):
    """An image for the text of an issue's articles, resized on upload, with its description."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(
        upload_to=IMAGE_FOLDER,
        validators=[validate_image],
        help_text=f"A JPEG, PNG or GIF up to 5 MB. Wider than {IMAGE_MAX_WIDTH:,} pixels, "
        "it is made smaller.",
    )
    alt = models.CharField(
        "alternative text",
        max_length=250,
        help_text="Required. Describe what the image shows for people who cannot see it, "
        "e.g. “Practitioners at a Safeguarding Week session”.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "image for the text"
        verbose_name_plural = "images for the text"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(alt=""),
                name="newsletter_issueimage_has_alt",
                violation_error_message=MESSAGES["image_needs_alt"],
            )
        ]

    def __str__(self) -> str:
        return self.alt

    def get_absolute_url(self) -> str:
        return self.image.url

    def html(self) -> str:
        """The <img> staff place in an article's text; the sanitiser keeps exactly this."""
        width = min(self.width, IMAGE_DISPLAY_WIDTH) or IMAGE_DISPLAY_WIDTH
        height = round(self.height * width / self.width) if self.width else None
        return format_html(
            '<img src="{}" alt="{}" width="{}"{}>',
            self.image.url,
            self.alt,
            width,
            format_html(' height="{}"', height) if height else "",
        )
