import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from subscriptions.models import ConsentRecord, Subscriber, Subscription, Suppression
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
Status = Subscription.Status


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_lists_show_counts_by_status_in_a_constant_number_of_queries(
    staff, newsletter, training, django_assert_max_num_queries
):
    for status in [Status.ACTIVE, Status.ACTIVE, Status.PENDING, Status.UNSUBSCRIBED]:
        SubscriptionFactory(mailing_list=newsletter, status=status)
    url = reverse("admin:subscriptions_mailinglist_changelist")
    response = staff.get(url)
    html = response.content.decode()
    assert "Waiting to confirm" in html and "CSV of subscribers" in html
    for _ in range(10):
        SubscriptionFactory(mailing_list=training)
    with django_assert_max_num_queries(12):
        staff.get(url)


def test_a_subscriber_page_shows_the_consent_history_read_only(staff, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    ConsentRecord.objects.create(
        subscriber=subscription.subscriber,
        mailing_list=newsletter,
        action="confirmed",
        method="web_form",
        statement_version="2024-01",
    )
    url = reverse("admin:subscriptions_subscriber_change", args=[subscription.subscriber.pk])
    html = staff.get(url).content.decode()
    assert "consent history" in html.lower()
    assert "2024-01" in html
    assert 'name="consent_records-0-method"' not in html


def test_subscribers_can_be_searched_and_filtered(staff, newsletter):
    SubscriptionFactory(mailing_list=newsletter, subscriber__email="findme@example.org")
    SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="left@example.org", status=Status.UNSUBSCRIBED
    )
    url = reverse("admin:subscriptions_subscriber_changelist")
    assert "findme@example.org" in staff.get(url, {"q": "findme"}).content.decode()
    filtered = staff.get(url, {"subscriptions__status__exact": "unsubscribed"}).content.decode()
    assert "left@example.org" in filtered and "findme@example.org" not in filtered


def _action(staff, action, subscribers):
    return staff.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": action, "_selected_action": [s.pk for s in subscribers]},
        follow=True,
    )


def test_the_unsubscribe_action_records_who_did_it(staff, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    _action(staff, "unsubscribe", [subscription.subscriber])
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    record = ConsentRecord.objects.get()
    assert (record.method, record.recorded_by) == ("admin", "admin")


def test_the_suppress_action_adds_the_hash_and_ends_subscriptions(staff, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    _action(staff, "suppress", [subscription.subscriber])
    assert Suppression.objects.get().email_hash == subscription.subscriber.email_hash
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def test_resend_confirmation_only_emails_people_waiting_to_confirm(
    staff, newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = SubscriptionFactory(mailing_list=newsletter, status=Status.PENDING).subscriber
    confirmed = SubscriptionFactory(mailing_list=newsletter).subscriber
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff, "resend_confirmation", [waiting, confirmed])
    assert "1 had nothing waiting to confirm" in response.content.decode()
    [message] = mailoutbox
    assert message.to == [waiting.email]


def test_subscribers_cannot_be_added_or_deleted_directly(staff):
    subscriber = SubscriberFactory()
    assert staff.get(reverse("admin:subscriptions_subscriber_add")).status_code == 403
    assert (
        staff.get(
            reverse("admin:subscriptions_subscriber_delete", args=[subscriber.pk])
        ).status_code
        == 403
    )


def test_suppression_list_can_be_searched_by_address_though_only_hashes_are_stored(staff):
    from subscriptions.services import suppression_add

    suppression_add(email="gone@example.org", reason="bounced")
    url = reverse("admin:subscriptions_suppression_changelist")
    assert "1 suppressed address" in staff.get(url, {"q": "GONE@example.org"}).content.decode()
    assert "0 suppression list" in staff.get(url, {"q": "other@example.org"}).content.decode()
    assert "0 suppression list" in staff.get(url, {"q": "not an address"}).content.decode()


def _upload(staff, newsletter, text, **extra):
    data = {
        "mailing_list": newsletter.pk,
        "lawful_basis": "consent",
        "evidence": "Paper sign-up sheet, Safeguarding Week 2023, kept by the business unit",
        "file": SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv"),
        **extra,
    }
    return staff.post(reverse("admin:subscriptions_subscriber_import"), data)


def test_import_needs_a_lawful_basis_and_evidence(staff, newsletter):
    response = _upload(staff, newsletter, "email\nsam@example.org\n", lawful_basis="", evidence="")
    html = response.content.decode()
    assert "Choose the lawful basis" in html and "Say where and when" in html
    assert not Subscriber.objects.exists()


def test_import_of_100_rows_with_5_bad_reports_each_row(staff, newsletter):
    SubscriptionFactory(mailing_list=newsletter, subscriber__email="already@example.org")
    rows = [f"person{n}@example.org,Person {n}," for n in range(95)]
    rows[10:10] = [
        "nope,,",
        "Sam <sam@example.org>,,",
        "person3@example.org,,",
        "already@example.org,,",
        "x" * 300 + "@example.org,,",
    ]
    response = _upload(staff, newsletter, "email,name,organisation\n" + "\n".join(rows))
    html = response.content.decode()
    assert "95 imported, 5 skipped" in html
    for reason in [
        "bad address",
        "duplicate: the address is on an earlier row",
        "already subscribed",
    ]:
        assert reason in html
    assert Subscription.objects.filter(status=Status.ACTIVE).count() == 96
    record = ConsentRecord.objects.filter(method="import").first()
    assert "Consent, given elsewhere" in record.note and "Safeguarding Week" in record.note
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.count) == ("imported", 95)
    assert entry.subject == f"Mailing list “{newsletter.name}”"


def test_import_refuses_a_file_that_is_not_utf8_csv(staff, newsletter):
    response = _upload(staff, newsletter, "")
    assert "header row" in response.content.decode()
    response = staff.post(
        reverse("admin:subscriptions_subscriber_import"),
        {
            "mailing_list": newsletter.pk,
            "lawful_basis": "consent",
            "evidence": "x",
            "file": SimpleUploadedFile("people.csv", b"\xff\xfe\x00bad", content_type="text/csv"),
        },
    )
    assert "saved as UTF-8" in response.content.decode()


def test_export_lists_only_people_who_may_be_mailed_and_defuses_formulas(staff, newsletter):
    SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="a@example.org", subscriber__name="=SUM(A1)"
    )
    SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="b@example.org", status=Status.UNSUBSCRIBED
    )
    suppressed = SubscriptionFactory(mailing_list=newsletter).subscriber
    Suppression.objects.create(email_hash=suppressed.email_hash, reason="bounced")
    response = staff.get(reverse("admin:subscriptions_mailinglist_export", args=[newsletter.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "name", "organisation", "subscribed_at"]
    assert [row[:2] for row in rows[1:]] == [["a@example.org", "'=SUM(A1)"]]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.count) == ("exported", 1)
    assert entry.subject == (
        f"Subscribers: mailing list “{newsletter.name}”, those who may be mailed now"
    )


def test_admin_pages_need_staff(client, newsletter):
    url = reverse("admin:subscriptions_mailinglist_export", args=[newsletter.pk])
    assert client.get(url).status_code == 302
    assert client.get(reverse("admin:subscriptions_subscriber_import")).status_code == 302
