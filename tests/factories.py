"""Factories for what no one app owns."""

import factory
from django.contrib.auth import get_user_model

STAFF_PASSWORD = "correct-horse-battery"


class StaffFactory(factory.django.DjangoModelFactory):
    """A member of the business unit who can use every part of the admin."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    is_superuser = True
    password = factory.django.Password(STAFF_PASSWORD)
