from django.contrib.postgres.search import SearchVectorField
from django.db import models

# The text search configuration the index is built and queried with.
CONFIG = "english"


class Entry(models.Model):
    """One public page or document as the site search sees it.

    Only what the public may see is in the index: a draft, a withdrawn course or
    an unpublished event has no entry, so no query can find one by forgetting a
    filter. The GIN indexes on ``search_vector`` and on ``title`` (trigrams, for
    misspellings) are created by migration 0001 on PostgreSQL only, so they are
    not in ``Meta.indexes``: SQLite (``make run``) cannot build them.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "News article"
        RESOURCE = "resource", "Briefing or resource"
        GUIDANCE = "guidance", "National guidance"
        PRIORITY = "priority", "Priority"
        COURSE = "course", "Training course"
        EVENT = "event", "Event"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    context = models.CharField(
        max_length=300, blank=True, help_text="Where it comes from, shown under the title."
    )
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    date = models.DateField(
        null=True, blank=True, help_text="The content's own date: newer first among equals."
    )
    indexed_at = models.DateTimeField(auto_now=True)
    # Title (A) over summary (B) over body and context (C), English stemming;
    # written in the same statement batch as the row (services.VECTOR).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_entry_one_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.url
