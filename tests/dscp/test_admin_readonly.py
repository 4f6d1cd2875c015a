import pytest
from django.urls import reverse

from tests.factories import StaffFactory


@pytest.mark.parametrize("model", ["audit_auditentry", "search_entry", "subscriptions_suppression"])
def test_read_only_lists_can_be_read_but_not_added_to_or_deleted_from(client, db, model):
    client.force_login(StaffFactory(is_superuser=True))
    listing = client.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    assert reverse(f"admin:{model}_add") not in listing.content.decode()
    assert "delete_selected" not in listing.content.decode()
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
