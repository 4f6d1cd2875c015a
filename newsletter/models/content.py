"""The newsletter's content: sections, issues, articles, guidance links and resources."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from simple_history.models import HistoricalRecords

from dscp.uploads import FileOrAddress
from newsletter.errors import MESSAGES, NewsletterError
from newsletter.fields import RichTextField
from newsletter.validators import validate_document, validate_image

ALT_TEXT_HELP = (
    "Describe what the image shows for people who cannot see it, "
    "e.g. “Practitioners at a Safeguarding Week session”. Required when there is an image."
)


def _alt_text_constraint(*, image: str, alt: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{image: ""}) | ~models.Q(**{alt: ""}),
        name=name,
        violation_error_message=MESSAGES["image_needs_alt"],
    )


# Issue slugs share /newsletter/ with the feed; article slugs are anchors on a
# page that already has these ids.
RESERVED_ISSUE_SLUGS = {"feed"}
RESERVED_ARTICLE_SLUGS = {"welcome", "contents", "contents-heading", "main-content", "navigation"}


def _check_alt_text(*, image, alt: str, image_field: str, alt_field: str) -> dict:
    if image and not alt.strip():
        return {alt_field: MESSAGES["image_needs_alt"]}
    if alt.strip() and not image:
        return {image_field: MESSAGES["alt_without_image"]}
    return {}


class Section(models.Model):
    """A part of every issue, e.g. Latest News or National Guidance, in the order staff set."""

    title = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        error_messages={"unique": MESSAGES["section_slug_taken"]},
        help_text="Used in links to this part of an issue. Lowercase words joined by hyphens.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections appear in every issue from the lowest number up."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "section"
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class Issue(models.Model):
    """One edition of the newsletter, e.g. December 2023."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=100, help_text="For example, December 2023.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        error_messages={"unique": MESSAGES["issue_slug_taken"]},
        help_text="The end of the issue's web address, e.g. december-2023. Don't change it once published.",
    )
    issue_date = models.DateField(help_text="The month the issue is for; issues are listed by it.")
    introduction = RichTextField(
        "welcome", blank=True, help_text="The welcome at the top of the issue."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text="Optional. Beat publishes a draft at this date and time (UK time). "
        "Leave empty to publish by hand, or with a send.",
    )
    # Why a scheduled publish (on its own or with a send) did not happen; cleared on publishing.
    publish_held = models.CharField(max_length=300, blank=True, editable=False)
    cover_image = models.FileField(
        upload_to="newsletter/covers/",
        blank=True,
        validators=[validate_image],
        help_text="Optional. A JPEG, PNG or GIF up to 5 MB.",
    )
    cover_image_alt = models.CharField(
        "cover image alternative text", max_length=250, blank=True, help_text=ALT_TEXT_HELP
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "issue"
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="newsletter_issue_published_has_time",
            ),
            _alt_text_constraint(
                image="cover_image",
                alt="cover_image_alt",
                name="newsletter_issue_cover_has_alt",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self):
        errors = _check_alt_text(
            image=self.cover_image,
            alt=self.cover_image_alt,
            image_field="cover_image",
            alt_field="cover_image_alt",
        )
        if self.slug in RESERVED_ISSUE_SLUGS:
            errors["slug"] = NewsletterError("issue_slug_reserved", slug=self.slug).message
        if errors:
            raise ValidationError(errors)


class Article(models.Model):
    """A piece of news in one section of an issue."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        help_text="Used in the article's own web address and its link in the contents list. Don't change it once published.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Articles in the same section appear from the lowest number up."
    )
    summary = models.TextField(
        blank=True, help_text="One or two sentences, shown in the feed and on the article's page."
    )
    body = RichTextField(blank=True)
    image = models.FileField(
        upload_to="newsletter/articles/",
        blank=True,
        validators=[validate_image],
        help_text="Optional. A JPEG, PNG or GIF up to 5 MB.",
    )
    image_alt = models.CharField(
        "image alternative text", max_length=250, blank=True, help_text=ALT_TEXT_HELP
    )
    link_url = models.URLField(
        "find out more: web address",
        blank=True,
        help_text="An optional link to read more, e.g. a report or booking page.",
    )
    link_text = models.CharField(
        "find out more: link text",
        max_length=200,
        blank=True,
        help_text="Say where the link goes, e.g. “Read the Children at the Table report”.",
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Optional. Links the article to a partnership priority.",
    )
    course = models.ForeignKey(
        "training.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Optional. Links the article to a course on the training programme.",
    )
    event = models.ForeignKey(
        "training.ExternalEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Optional. Links the article to an event run by another organisation.",
    )
    figure = models.ForeignKey(
        "evaluations.Figure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Optional. Live figures from an evaluation, shown after the body: "
        "always up to date, as a chart on the page and a table in the email.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "article"
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "slug"],
                name="newsletter_article_slug_unique_in_issue",
                violation_error_message=MESSAGES["article_slug_taken"],
            ),
            _alt_text_constraint(
                image="image", alt="image_alt", name="newsletter_article_image_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "newsletter:article_detail",
            kwargs={"issue_slug": self.issue.slug, "slug": self.slug},
        )

    def get_issue_anchor_url(self) -> str:
        """The article's place in the issue page; the slug is its stable anchor."""
        return f"{self.issue.get_absolute_url()}#{self.slug}"

    def related_links(self) -> list[dict]:
        """Links to the priority, course and event the article is about.

        A linked page that is not yet part of the site is left out rather
        than breaking the issue page.
        """
        links = []
        for kind, obj in self._related_objects():
            try:
                links.append({"kind": kind, "title": str(obj), "url": obj.get_absolute_url()})
            except NoReverseMatch:
                continue
        return links

    def _related_objects(self):
        if self.priority_id:
            yield "Priority", self.priority
        if self.course_id:
            yield "Training course", self.course
        if self.event_id:
            yield "Event", self.event

    def clean(self):
        errors = _check_alt_text(
            image=self.image, alt=self.image_alt, image_field="image", alt_field="image_alt"
        )
        if self.slug in RESERVED_ARTICLE_SLUGS or self.slug.startswith("section-"):
            errors["slug"] = NewsletterError("article_slug_reserved", slug=self.slug).message
        if self.link_text.strip() and not self.link_url:
            errors["link_url"] = MESSAGES["link_text_without_url"]
        if errors:
            raise ValidationError(errors)


class GuidanceLink(models.Model):
    """A piece of national guidance or research, listed with its publisher and month."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="guidance_links")
    title = models.CharField(max_length=250)
    # Blank while staff find the document's address: shown as "link to follow" and
    # listed on the issue's admin page, never replaced by a guessed search page.
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        help_text="Leave blank until you have the document's own address; it shows as “link to follow”.",
    )
    publisher = models.CharField(max_length=150, help_text="For example, Ofsted or NSPCC Learning.")
    published_on = models.DateField(
        "month published",
        help_text="Any day in the month it was published; only the month is shown.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "guidance link"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Resource(FileOrAddress, models.Model):
    """A document such as a learning briefing, attached to an article: a file or a link."""

    class Kind(models.TextChoices):
        LEARNING_BRIEFING = "learning_briefing", "Learning briefing"
        PRACTICE_GUIDANCE = "practice_guidance", "Practice guidance"
        REPORT = "report", "Report"
        TOOL = "tool", "Tool or form"
        VIDEO = "video", "Video"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.LEARNING_BRIEFING)
    summary = models.TextField(blank=True)
    file = models.FileField(
        upload_to="newsletter/resources/",
        blank=True,
        validators=[validate_document],
        help_text="A PDF, Word, Excel or PowerPoint file up to 10 MB, or give a web address instead.",
    )
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        help_text="Leave the file and the address blank until you have the document; it shows as “link to follow”.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "resource"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file="") | models.Q(url=""),
                name="newsletter_resource_not_file_and_url",
                violation_error_message=MESSAGES["resource_file_and_url"],
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link_to_follow(self) -> bool:
        return not self.file and not self.url

    def clean(self):
        if self.file and self.url:
            raise ValidationError({"url": MESSAGES["resource_file_and_url"]})
