from datetime import date

import factory

from priorities.models import (
    Achievement,
    Action,
    ActionStatus,
    Document,
    LearningCycle,
    LearningPoint,
    Phase,
    PhaseStatus,
    Priority,
    Theme,
)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority title {n}")
    slug = factory.Sequence(lambda n: f"priority-{n}")
    summary = "Why this priority matters."
    lead = "DSCP Business Unit"
    contact_email = "DSCPSecure@durham.gov.uk"
    order = factory.SelfAttribute("number")


class LearningCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningCycle

    priority = factory.SubFactory(PriorityFactory)
    title = "Child and Adolescent to Parent Violence and Abuse (CAPVA)"
    purpose = "To learn how partners respond."
    start_date = date(2023, 4, 1)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    cycle = factory.SubFactory(LearningCycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Phase title {n}")
    status = PhaseStatus.NOT_STARTED


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = "Communication"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    priority = factory.SubFactory(PriorityFactory)
    theme = factory.SubFactory(ThemeFactory)
    description = factory.Sequence(lambda n: f"Next step {n}")
    owner = "DSCP Business Unit"
    start_date = date(2024, 1, 1)
    due_date = date(2099, 12, 31)
    status = ActionStatus.ON_TRACK


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    priority = factory.SubFactory(PriorityFactory)
    text = "Good attendance from partners."


class LearningPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPoint

    priority = factory.SubFactory(PriorityFactory)
    text = "The question was too broad."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    priority = factory.SubFactory(PriorityFactory)
    title = "Children at the Table"
    url = "https://childrenatthetable.org.uk/"
    date = date(2023, 11, 1)
