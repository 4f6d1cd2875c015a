import re

import pytest
from django.urls import reverse

from subscriptions.models import ConsentRecord, Subscriber, Subscription
from subscriptions.selectors import subscriber_links
from subscriptions.tokens import make_token
from tests.subscriptions.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
Status = Subscription.Status
SUBSCRIBE = "/subscribe/"
UNSUBSCRIBE = "/unsubscribe/"


def _main(response) -> str:
    """The page without the CSRF token, which differs on every response."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_subscribe_form_offers_public_lists_with_nothing_ticked(client, newsletter, training):
    # Consent is never pre-ticked (ICO guidance on consent under UK GDPR).
    response = client.get(SUBSCRIBE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "DSCP newsletter" in html and "Training updates" in html
    assert 'type="checkbox"' in html
    assert "checked" not in html


def test_subscribing_goes_to_the_same_page_for_new_pending_and_subscribed_addresses(
    client, newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriptionFactory(mailing_list=newsletter, subscriber__email="known@example.org")
    SubscriptionFactory(
        mailing_list=newsletter, subscriber__email="pending@example.org", status=Status.PENDING
    )
    pages = []
    for email in ["new@example.org", "pending@example.org", "known@example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                SUBSCRIBE, {"email": email, "lists": [newsletter.pk]}, follow=True
            )
        assert response.redirect_chain == [("/subscribe/check-your-email/", 302)]
        pages.append(_main(response))
    assert pages[0] == pages[1] == pages[2]
    assert len(mailoutbox) == 3  # every address gets an email


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not an email", "without a name, spaces or line breaks"),
        ("sam@", "Enter an email address in the correct format"),
        ("Sam Example <sam@example.org>", "without a name, spaces or line breaks"),
        ("sam@example.org\r\nBcc: x@example.org", "without a name, spaces or line breaks"),
        ("a" * 300 + "@example.org", "254 characters or fewer"),
    ],
)
def test_a_bad_address_gets_a_clear_message_and_keeps_what_was_typed(
    client, newsletter, email, message, mailoutbox
):
    response = client.post(SUBSCRIBE, {"email": email, "lists": [newsletter.pk], "name": "Sam"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert 'value="Sam"' in html
    assert "Error: Subscribe" in html
    assert not Subscriber.objects.exists() and not mailoutbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lists": ["999999"]}, "Choose from the lists shown"),
        ({"lists": ["not-a-number"]}, "Choose from the lists shown"),
        ({"lists": None}, "Choose at least one list"),
        ({"name": "x" * 101}, "Name must be 100 characters or fewer"),
        ({"organisation": "x" * 151}, "Organisation must be 150 characters or fewer"),
        ({"name": "Sam\nBcc: x"}, "Remove line breaks and tabs"),
    ],
)
def test_bad_fields_get_a_clear_message(client, newsletter, data, message):
    data = {"email": "sam@example.org", "lists": [newsletter.pk], **data}
    if data.get("lists") is None:
        data.pop("lists")
    response = client.post(SUBSCRIBE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_staff_only_list_cannot_be_joined_from_the_website(client, newsletter):
    from tests.subscriptions.factories import MailingListFactory

    staff_only = MailingListFactory(is_public=False)
    response = client.post(SUBSCRIBE, {"email": "sam@example.org", "lists": [staff_only.pk]})
    assert "Choose from the lists shown" in response.content.decode()


def test_a_bot_filling_the_hidden_field_sees_success_but_nothing_happens(
    client, newsletter, mailoutbox
):
    response = client.post(
        SUBSCRIBE,
        {"email": "sam@example.org", "lists": [newsletter.pk], "website": "http://spam"},
    )
    assert response.status_code == 302
    assert not Subscriber.objects.exists() and not mailoutbox


def test_too_many_sign_ups_for_one_address_get_the_try_again_page(client, newsletter, settings):
    settings.RATE_LIMIT_PER_ADDRESS = "2/10m"
    for _ in range(2):
        client.post(SUBSCRIBE, {"email": "sam@example.org", "lists": [newsletter.pk]})
    response = client.post(SUBSCRIBE, {"email": "SAM@example.org", "lists": [newsletter.pk]})
    assert response.status_code == 429
    assert "try again in a few minutes" in response.content.decode()


def test_too_many_unsubscribe_requests_get_the_try_again_page(client, settings):
    settings.RATE_LIMIT_PER_IP = "2/10m"
    for n in range(2):
        client.post(UNSUBSCRIBE, {"email": f"p{n}@example.org"})
    assert client.post(UNSUBSCRIBE, {"email": "p9@example.org"}).status_code == 429


def test_the_confirmation_link_shows_a_button_and_only_a_post_confirms(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, status=Status.PENDING)
    url = reverse(
        "subscriptions:confirm",
        kwargs={
            "token": make_token(
                purpose="confirm",
                subscriber_id=subscription.subscriber_id,
                list_ids=[newsletter.pk],
            )
        },
    )
    response = client.get(url)
    assert "Confirm my subscription" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING  # a link scanner's GET does nothing

    response = client.post(url, follow=True)
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert "You are subscribed to: DSCP newsletter." in response.content.decode()
    assert "Your email preferences" in response.content.decode()
    # Confirming twice is harmless.
    assert client.post(url).status_code == 302
    assert "already confirmed" in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["confirm", "unsubscribe_link", "preferences"])
def test_a_tampered_link_gets_a_friendly_page_with_a_way_to_start_again(client, name):
    response = client.get(reverse(f"subscriptions:{name}", kwargs={"token": "abc:def:ghi"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This link does not work" in html
    assert reverse("subscriptions:subscribe") in html


def test_an_expired_confirmation_link_says_so(client, monkeypatch, newsletter):
    import time

    from django.core import signing

    token = make_token(purpose="confirm", subscriber_id=1, list_ids=[newsletter.pk])
    later = time.time() + 8 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(reverse("subscriptions:confirm", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_link_for_someone_erased_says_it_no_longer_works(client):
    token = make_token(purpose="preferences", subscriber_id=987654)
    response = client.get(reverse("subscriptions:preferences", kwargs={"token": token}))
    assert response.status_code == 410
    assert "no longer works" in response.content.decode()


def test_unsubscribe_by_form_answers_the_same_for_known_and_unknown_addresses(
    client, newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriptionFactory(mailing_list=newsletter, subscriber__email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(UNSUBSCRIBE, {"email": "known@example.org"}, follow=True)
        unknown = client.post(UNSUBSCRIBE, {"email": "unknown@example.org"}, follow=True)
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/unsubscribe/check-your-email/", 302)]
    )
    assert _main(known) == _main(unknown)
    to_known, to_unknown = mailoutbox
    assert "/unsubscribe/" in to_known.body
    assert "not on any of our mailing lists" in to_unknown.body
    assert "/unsubscribe/" not in to_unknown.body.replace("/unsubscribe/check", "")
    # The page and the email describe the same step: open the link, press the button.
    assert "press the button" in _main(known)
    assert "press the button" in to_known.body
    assert "press the button" in to_known.alternatives[0][0]
    assert "one click" not in _main(known)


def test_the_unsubscribe_link_needs_a_button_press(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    url = subscriber_links(subscriber=subscription.subscriber)["unsubscribe_url"]
    assert "Unsubscribe" in client.get(url).content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    response = client.post(url)
    assert "You have unsubscribed" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def test_one_click_unsubscribe_the_way_a_mailbox_provider_posts_it(newsletter):
    from django.test import Client

    subscription = SubscriptionFactory(mailing_list=newsletter)
    url = subscriber_links(subscriber=subscription.subscriber)["one_click_url"]
    provider = Client(enforce_csrf_checks=True)  # no cookies, no CSRF token
    response = provider.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not response.cookies
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    record = ConsentRecord.objects.get()
    assert (record.action, record.method) == ("withdrawn", "one_click")
    # Providers retry: a second POST still answers 200.
    assert (
        provider.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )


def test_one_click_without_the_rfc_8058_body_is_refused(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    url = subscriber_links(subscriber=subscription.subscriber)["one_click_url"]
    response = client.post(url, "foo=bar", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_one_click_with_a_tampered_token_is_refused(client):
    response = client.post(
        "/unsubscribe/tampered:token/one-click/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_a_get_to_the_one_click_address_shows_the_one_button_page(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    url = subscriber_links(subscriber=subscription.subscriber)["one_click_url"]
    response = client.get(url)
    assert response.status_code == 200
    assert 'type="submit"' in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_a_put_to_the_one_click_address_is_not_allowed(client):
    assert client.put("/unsubscribe/x/one-click/").status_code == 405


def test_preferences_show_the_lists_and_save_changes(client, newsletter, training):
    subscription = SubscriptionFactory(mailing_list=newsletter, subscriber__name="Sam")
    url = subscriber_links(subscriber=subscription.subscriber)["preferences_url"]
    html = client.get(url).content.decode()
    assert subscription.subscriber.email in html
    response = client.post(
        url, {"name": "Sam Example", "organisation": "DCC", "lists": [training.pk]}, follow=True
    )
    assert "Your choices have been saved." in response.content.decode()
    statuses = dict(Subscription.objects.values_list("mailing_list__slug", "status"))
    assert statuses == {"newsletter": Status.UNSUBSCRIBED, "training-updates": Status.ACTIVE}


def test_download_my_data_is_a_json_file_with_the_consent_history(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, subscriber__email="sam@example.org")
    ConsentRecord.objects.create(
        subscriber=subscription.subscriber,
        mailing_list=newsletter,
        action="confirmed",
        method="web_form",
    )
    url = subscriber_links(subscriber=subscription.subscriber)["preferences_url"] + "my-data.json"
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["email"] == "sam@example.org"
    assert data["subscriptions"][0]["status"] == "active"
    assert data["consent_records"][0]["action"] == "confirmed"


def test_erase_me_asks_first_then_removes_everything(client, newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter)
    url = subscriber_links(subscriber=subscription.subscriber)["preferences_url"] + "erase/"
    assert "cannot be undone" in client.get(url).content.decode()
    assert Subscriber.objects.exists()
    response = client.post(url)
    assert "Your details have been erased" in response.content.decode()
    assert not Subscriber.objects.exists()
    # The old link now explains itself instead of failing.
    assert client.get(url).status_code == 410


KEEP_TASK = 'INSERT INTO "dscp_queuedtask"'


@pytest.mark.parametrize(
    ("path", "extra"), [(SUBSCRIBE, {"lists": "newsletter"}), (UNSUBSCRIBE, {})]
)
def test_the_web_request_runs_the_same_queries_for_known_and_unknown_addresses(
    client, newsletter, path, extra
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    SubscriptionFactory(mailing_list=newsletter, subscriber__email="known@example.org")
    data = {key: newsletter.pk for key in extra}
    queries = []
    for email in ["known@example.org", "unknown@example.org"]:
        with CaptureQueriesContext(connection) as captured:
            assert client.post(path, {"email": email, **data}).status_code == 302
        queries.append([q["sql"] for q in captured.captured_queries])
    # The mail task is kept in PostgreSQL until it has run (dscp.outbox): one INSERT of the
    # same shape for either address, carrying it to the worker. Every other query is the same.
    kept = [[sql for sql in run if sql.startswith(KEEP_TASK)] for run in queries]
    assert [len(rows) for rows in kept] == [1, 1]
    assert kept[0][0].split(" VALUES ")[0] == kept[1][0].split(" VALUES ")[0]
    others = [[sql for sql in run if not sql.startswith(KEEP_TASK)] for run in queries]
    assert others[0] == others[1]
    assert not any("subscriber" in sql for sql in others[0])


def test_an_unsubscribe_link_never_hands_out_a_preferences_link(client):
    subscriber = SubscriptionFactory().subscriber
    url = subscriber_links(subscriber=subscriber)["unsubscribe_url"].removeprefix(
        "http://testserver"
    )
    html = client.post(url).content.decode()
    assert "/preferences/" not in html
