import datetime

import factory
from django.utils import timezone

from newsletter.models import Article, GuidanceLink, Issue, Resource, Section


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    order = factory.Sequence(lambda n: n * 10)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.Sequence(lambda n: f"issue-{n}")
    issue_date = datetime.date(2023, 12, 1)
    introduction = "<p>Welcome to this issue.</p>"

    class Params:
        published = factory.Trait(
            status=Issue.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    issue = factory.SubFactory(IssueFactory)
    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    order = factory.Sequence(lambda n: n)
    summary = "A short summary."
    body = "<p>Some news for practitioners.</p>"


class GuidanceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceLink

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Guidance {n}")
    url = factory.Sequence(lambda n: f"https://guidance.example.org/{n}")
    publisher = "Ofsted"
    published_on = datetime.date(2023, 11, 1)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Briefing {n}")
    url = factory.Sequence(lambda n: f"https://docs.example.org/briefing-{n}.pdf")
