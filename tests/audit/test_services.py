"""The one way to hand staff a CSV of people's details: the right checked, the act audited
with what was chosen and how many rows left, the rows streamed and formula-safe."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from audit.services import personal_data_download
from subscriptions.models import Subscriber
from tests.factories import StaffFactory
from tests.subscriptions.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _download(by, records, **kwargs):
    return personal_data_download(
        by=by,
        what="Subscribers",
        filters="mailing list “Practitioners”",
        header=["email", "name"],
        records=records,
        row=lambda person: [person.email, person.name],
        filename="practitioners.csv",
        **kwargs,
    )


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_staff_member_without_the_export_right_is_refused_and_nothing_is_recorded():
    SubscriberFactory()
    staff = StaffFactory(is_superuser=False)
    with pytest.raises(PermissionDenied):
        _download(staff, Subscriber.objects.all())
    assert not AuditEntry.objects.exists()


def test_the_right_alone_is_enough_and_the_entry_names_the_filters_and_the_rows_counted():
    SubscriberFactory(email="a@example.org", name="=HYPERLINK(1)")
    SubscriberFactory(email="b@example.org", name="Sam")
    SubscriberFactory(email="c@example.org", name="Left out")
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    staff = type(staff).objects.get(pk=staff.pk)

    response = _download(staff, Subscriber.objects.exclude(name="Left out").order_by("email"))

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.count) == (staff, "exported", 2)
    assert entry.subject == "Subscribers: mailing list “Practitioners”"
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="practitioners.csv"'
    assert _rows(response) == [
        ["email", "name"],
        ["a@example.org", "'=HYPERLINK(1)"],
        ["b@example.org", "Sam"],
    ]


def test_a_list_of_records_is_counted_and_listed_as_given():
    people = [SubscriberFactory(email="a@example.org", name="Ann")]
    response = _download(StaffFactory(), people)
    assert AuditEntry.objects.get().count == 1
    assert _rows(response) == [["email", "name"], ["a@example.org", "Ann"]]
