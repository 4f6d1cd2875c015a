from django.db import models
from django.urls import reverse


class Priority(models.Model):
    """One of the partnership's workstreams, e.g. "Priority One: Domestic Abuse"."""

    number = models.PositiveSmallIntegerField(
        unique=True, help_text="1 for Priority One, and so on."
    )
    title = models.CharField(max_length=120, help_text="For example, Domestic Abuse.")
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="Why this priority matters, in a few sentences.")
    lead = models.CharField(
        max_length=200, blank=True, help_text="The lead agency or person, e.g. Durham Constabulary."
    )
    contact_email = models.EmailField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "priority"
        verbose_name_plural = "priorities"
        ordering = ["order", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="priority_number_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("priorities:priority_detail", kwargs={"slug": self.slug})
