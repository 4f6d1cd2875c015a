import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone

from audit.models import AuditEntry
from subscriptions import consent, selectors, services
from subscriptions.errors import SubscriptionError
from subscriptions.models import ConsentRecord, Subscriber, Subscription, Suppression
from subscriptions.tokens import read_token
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, is_suppressed

pytestmark = pytest.mark.django_db
Status = Subscription.Status
Action = ConsentRecord.Action


@pytest.fixture
def request_subscription(django_capture_on_commit_callbacks):
    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            services.subscription_request(**kwargs)

    return request


def _link(message, path_part):
    return next(url for url in re.findall(r"https?://\S+", message.body) if path_part in url)


def test_a_new_sign_up_waits_for_confirmation_and_records_the_statement_shown(
    newsletter, training, request_subscription, mailoutbox
):
    request_subscription(
        email=" Sam@Example.org ", lists=[newsletter, training], name="Sam", organisation="DCC"
    )
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name, subscriber.organisation) == (
        "sam@example.org",
        "Sam",
        "DCC",
    )
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {Status.PENDING}
    records = list(subscriber.consent_records.all())
    assert [r.action for r in records] == [Action.REQUESTED, Action.REQUESTED]
    assert records[0].statement_version == consent.CURRENT.version
    assert records[0].statement_text == consent.CURRENT.text
    [message] = mailoutbox
    assert message.to == ["sam@example.org"]
    assert "Confirm" in message.subject
    assert "DSCP newsletter" in message.body and "Training updates" in message.body
    token = urlsplit(_link(message, "/subscribe/confirm/")).path.split("/")[-2]
    assert read_token(purpose="confirm", token=token)["l"] == sorted([newsletter.pk, training.pk])


def test_someone_already_subscribed_is_emailed_their_preferences_link_and_nothing_changes(
    newsletter, request_subscription, mailoutbox
):
    subscription = SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="sam@example.org", subscriber__name="Sam"
    )
    request_subscription(email="SAM@example.org", lists=[newsletter], name="Someone else")
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert Subscriber.objects.get().name == "Sam"
    assert not ConsentRecord.objects.exists()
    [message] = mailoutbox
    assert "already subscribed" in message.subject
    assert "/preferences/" in message.body and "/unsubscribe/" in message.body


def test_signing_up_twice_makes_one_subscriber_and_one_subscription(
    newsletter, request_subscription
):
    for _ in range(3):
        request_subscription(email="sam@example.org", lists=[newsletter])
    assert Subscriber.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_signing_up_needs_a_list(newsletter):
    with pytest.raises(SubscriptionError) as caught:
        services.subscription_request(email="sam@example.org", lists=[])
    assert caught.value.message == "Choose at least one list"


def test_signing_up_refuses_header_injection(newsletter):
    with pytest.raises(ValidationError):
        services.subscription_request(
            email="sam@example.org\r\nBcc: everyone@example.org", lists=[newsletter]
        )
    assert not Subscriber.objects.exists()


def test_confirming_activates_only_the_lists_in_the_link_and_lifts_a_suppression(
    newsletter, training
):
    subscriber = SubscriberFactory(email="sam@example.org")
    SubscriptionFactory(subscriber=subscriber, mailing_list=newsletter, status=Status.PENDING)
    SubscriptionFactory(subscriber=subscriber, mailing_list=training, status=Status.PENDING)
    Suppression.objects.create(email_hash=subscriber.email_hash, reason="erased")

    confirmed = services.subscription_confirm(subscriber=subscriber, lists=[newsletter])

    assert confirmed == [newsletter]
    statuses = dict(subscriber.subscriptions.values_list("mailing_list__slug", "status"))
    assert statuses == {"newsletter": Status.ACTIVE, "training-updates": Status.PENDING}
    assert not is_suppressed("sam@example.org")
    [record] = subscriber.consent_records.all()
    assert (record.action, record.method) == (Action.CONFIRMED, "email_link")
    # A second click changes nothing and records nothing.
    assert services.subscription_confirm(subscriber=subscriber, lists=[newsletter]) == []
    assert subscriber.consent_records.count() == 1


def test_preferences_join_and_leave_lists_with_a_record_for_each_change(newsletter, training):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    subscriber = subscription.subscriber
    services.subscriber_update_preferences(
        subscriber=subscriber, name="New Name", organisation="School", lists=[training]
    )
    subscriber.refresh_from_db()
    assert (subscriber.name, subscriber.organisation) == ("New Name", "School")
    statuses = dict(subscriber.subscriptions.values_list("mailing_list__slug", "status"))
    assert statuses == {"newsletter": Status.UNSUBSCRIBED, "training-updates": Status.ACTIVE}
    assert sorted(subscriber.consent_records.values_list("action", flat=True)) == [
        Action.CONFIRMED,
        Action.WITHDRAWN,
    ]


def test_unsubscribing_ends_active_and_pending_subscriptions_at_once(newsletter, training):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, mailing_list=newsletter)
    SubscriptionFactory(subscriber=subscriber, mailing_list=training, status=Status.PENDING)
    assert services.subscriber_unsubscribe(subscriber=subscriber, method="one_click") == 2
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {Status.UNSUBSCRIBED}
    assert set(subscriber.consent_records.values_list("method", flat=True)) == {"one_click"}
    # Unsubscribing again is harmless and adds no records.
    assert services.subscriber_unsubscribe(subscriber=subscriber, method="one_click") == 0
    assert subscriber.consent_records.count() == 2


def test_erasure_keeps_only_a_hash_that_stops_future_mail(newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, subscriber__email="sam@example.org")
    services.subscriber_erase(subscriber=subscription.subscriber)
    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.exists()
    [suppression] = Suppression.objects.all()
    assert suppression.reason == Suppression.Reason.ERASED
    assert "sam" not in suppression.email_hash
    assert is_suppressed("sam@example.org")


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("bounced", Status.BOUNCED),
        ("complained", Status.COMPLAINED),
        ("staff", Status.UNSUBSCRIBED),
    ],
)
def test_suppressing_an_address_ends_its_subscriptions_with_a_reason(newsletter, reason, status):
    subscription = SubscriptionFactory(mailing_list=newsletter, subscriber__email="sam@example.org")
    services.suppression_add(email="Sam@example.org", reason=reason)
    subscription.refresh_from_db()
    assert subscription.status == status
    assert is_suppressed("sam@example.org")
    services.suppression_add(email="sam@example.org", reason=reason)
    assert Suppression.objects.count() == 1


def test_suppressing_needs_a_known_reason():
    with pytest.raises(SubscriptionError):
        services.suppression_add(email="sam@example.org", reason="because")


def test_subscriber_links_are_absolute_and_work(settings, newsletter):
    settings.SITE_URL = "https://portal.example.org"
    subscriber = SubscriberFactory()
    links = selectors.subscriber_links(subscriber=subscriber)
    assert set(links) == {"unsubscribe_url", "preferences_url", "one_click_url"}
    for url in links.values():
        assert url.startswith("https://portal.example.org/")
    assert links["one_click_url"].endswith("/one-click/")


def test_list_unsubscribe_headers_follow_rfc_8058(settings):
    settings.SITE_URL = "https://portal.example.org"
    subscriber = SubscriberFactory()
    one_click = selectors.subscriber_links(subscriber=subscriber)["one_click_url"]
    headers = selectors.list_unsubscribe_headers(one_click_url=one_click)
    assert headers == {
        "List-Unsubscribe": f"<{one_click}>, <mailto:{settings.REPLY_TO_EMAIL}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_purge_deletes_week_old_pending_sign_ups_and_people_left_with_nothing(newsletter, training):
    old = timezone.now() - timedelta(days=7, minutes=1)
    recent = timezone.now() - timedelta(days=6)
    never_confirmed = SubscriptionFactory(
        mailing_list=newsletter, status=Status.PENDING, status_changed_at=old
    ).subscriber
    services_record = ConsentRecord.objects.create(
        subscriber=never_confirmed, mailing_list=newsletter, action="requested", method="web_form"
    )
    still_waiting = SubscriptionFactory(
        mailing_list=newsletter, status=Status.PENDING, status_changed_at=recent
    )
    # Active on one list, never confirmed another: keeps the person and the active one.
    mixed = SubscriptionFactory(mailing_list=newsletter).subscriber
    SubscriptionFactory(
        subscriber=mixed, mailing_list=training, status=Status.PENDING, status_changed_at=old
    )
    # Left a list long ago, then asked again and never confirmed: the privacy
    # notice promises to keep the record of the unsubscribe.
    left = SubscriptionFactory(
        mailing_list=newsletter, status=Status.PENDING, status_changed_at=old
    ).subscriber
    ConsentRecord.objects.create(
        subscriber=left, mailing_list=newsletter, action="withdrawn", method="email_link"
    )

    assert services.subscription_purge_unconfirmed() == (3, 1)

    assert not Subscriber.objects.filter(pk=never_confirmed.pk).exists()
    assert not ConsentRecord.objects.filter(pk=services_record.pk).exists()
    assert Subscription.objects.filter(pk=still_waiting.pk).exists()
    assert list(mixed.subscriptions.values_list("status", flat=True)) == [Status.ACTIVE]
    assert left.consent_records.filter(action="withdrawn").exists()
    assert services.subscription_purge_unconfirmed() == (0, 0)


def _csv(rows):
    return "email,name,organisation\n" + "".join(f"{row}\n" for row in rows)


def test_an_import_of_100_rows_with_5_bad_imports_95_and_says_why_for_each_of_the_5(newsletter):
    SubscriptionFactory(mailing_list=newsletter, subscriber__email="already@example.org")
    services.suppression_add(email="bounced@example.org", reason="bounced")
    good = [f"person{n}@example.org,Person {n},Agency {n}" for n in range(95)]
    bad = [
        "not-an-address,Bad,",
        "Name <angle@example.org>,Display name,",
        "bounced@example.org,Suppressed,",
        "PERSON7@example.org,Repeat in file,",
        "already@example.org,On the list,",
    ]
    rows = good[:50] + bad + good[50:]

    report = services.subscriber_import(
        mailing_list=newsletter,
        csv_text=_csv(rows),
        lawful_basis="Consent on paper at Safeguarding Week 2023",
        recorded_by="staff",
    )

    assert len(report.rows) == 100
    assert len(report.imported) == 95
    assert [(row.number, row.reason.split(":")[0]) for row in report.skipped] == [
        (52, "bad address"),
        (53, "bad address"),
        (54, "suppressed"),
        (55, "duplicate"),
        (56, "duplicate"),
    ]
    assert selectors.mailable_subscribers(lists=[newsletter]).count() == 96
    record = ConsentRecord.objects.get(subscriber__email="person0@example.org")
    assert (record.method, record.recorded_by) == ("import", "staff")
    assert "Safeguarding Week" in record.note


def test_an_import_never_re_adds_someone_who_unsubscribed(newsletter):
    SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="left@example.org", status=Status.UNSUBSCRIBED
    )
    report = services.subscriber_import(
        mailing_list=newsletter,
        csv_text=_csv(["left@example.org"]),
        lawful_basis="x",
        recorded_by="s",
    )
    assert report.skipped[0].reason.startswith("previously unsubscribed")
    assert Subscription.objects.get().status == Status.UNSUBSCRIBED


def test_an_import_that_fails_part_way_imports_nothing(newsletter):
    # The database itself refuses the third person's consent record, as a real
    # failure part-way through would.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION pg_temp.refuse_p2() RETURNS trigger AS $$
            BEGIN
                IF (SELECT email FROM subscriptions_subscriber WHERE id = NEW.subscriber_id)
                   = 'p2@example.org' THEN
                    RAISE EXCEPTION 'database went away';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_p2 BEFORE INSERT ON subscriptions_consentrecord
            FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_p2();
            """
        )
    with pytest.raises(DatabaseError, match="database went away"):
        services.subscriber_import(
            mailing_list=newsletter,
            csv_text=_csv([f"p{n}@example.org" for n in range(5)]),
            lawful_basis="x",
            recorded_by="s",
        )
    assert not Subscriber.objects.exists()


def test_an_import_is_audited_as_the_staff_member_s_and_the_demo_s_is_not(newsletter):
    staff = StaffFactory()
    services.subscriber_import(
        mailing_list=newsletter,
        csv_text=_csv(["a@example.org", "b@example.org", "nope"]),
        lawful_basis="x",
        recorded_by=staff.get_username(),
        by=staff,
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.count) == (staff, "imported", 2)
    assert entry.subject == f"Mailing list “{newsletter.name}”"
    services.subscriber_import(
        mailing_list=newsletter, csv_text=_csv(["c@example.org"]), lawful_basis="x", recorded_by="s"
    )
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "csv_unreadable"), ("name,organisation\nSam,DCC\n", "csv_no_email_column")],
)
def test_an_unusable_file_is_refused_with_a_reason(newsletter, text, code):
    with pytest.raises(SubscriptionError) as caught:
        services.subscriber_import(
            mailing_list=newsletter, csv_text=text, lawful_basis="x", recorded_by="s"
        )
    assert caught.value.code == code


def test_an_import_skips_a_row_whose_name_holds_nul_or_control_characters(newsletter):
    rows = [
        "nul@example.org,Sam\x00Smith,",
        "escape@example.org,Sam \x1b[31m,",
        "ok@example.org,Sam,",
    ]
    report = services.subscriber_import(
        mailing_list=newsletter, csv_text=_csv(rows), lawful_basis="Consent", recorded_by="staff"
    )
    assert [row.email for row in report.imported] == ["ok@example.org"]
    assert {row.reason for row in report.skipped} == {
        "bad row: name and organisation must not hold line breaks or tabs"
    }


def test_a_first_confirmation_brings_one_welcome_with_the_latest_issue(
    newsletter, training, mailoutbox, django_capture_on_commit_callbacks
):
    issue = IssueFactory(title="December 2023", status="published", published_at=timezone.now())
    ArticleFactory(issue=issue, title="Safeguarding Week 2023")
    subscriber = SubscriberFactory(email="sam@example.org")
    SubscriptionFactory(subscriber=subscriber, mailing_list=newsletter, status=Status.PENDING)
    SubscriptionFactory(subscriber=subscriber, mailing_list=training, status=Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_confirm(subscriber=subscriber, lists=[newsletter])
    [welcome] = mailoutbox
    assert welcome.to == ["sam@example.org"]
    assert "December 2023" in welcome.body and "Safeguarding Week 2023" in welcome.body
    assert "/preferences/" in welcome.body and "/unsubscribe/" in welcome.body
    assert "Safeguarding Week 2023</a>" in welcome.alternatives[0][0]

    # Confirming a second list later is not a new arrival: no second welcome.
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_confirm(subscriber=subscriber, lists=[training])
    assert len(mailoutbox) == 1


def test_the_welcome_reads_well_before_any_issue_is_published(
    newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, mailing_list=newsletter, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_confirm(subscriber=subscriber, lists=[newsletter])
    [welcome] = mailoutbox
    assert "IN THIS ISSUE" not in welcome.body
    assert "/preferences/" in welcome.body
