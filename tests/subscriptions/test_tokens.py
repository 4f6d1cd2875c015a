import time

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from subscriptions.errors import SubscriptionError
from subscriptions.tokens import make_token, read_token

PURPOSES = ["confirm", "preferences", "unsubscribe"]
ids = st.integers(min_value=1, max_value=2**63 - 1)


@given(st.sampled_from(PURPOSES), ids, st.none() | st.lists(ids, max_size=5))
def test_a_token_reads_back_as_what_was_signed(purpose, subscriber_id, list_ids):
    payload = read_token(
        purpose=purpose,
        token=make_token(purpose=purpose, subscriber_id=subscriber_id, list_ids=list_ids),
    )
    assert payload["s"] == subscriber_id
    assert payload.get("l") == (sorted(list_ids) if list_ids is not None else None)


@given(ids, st.integers(min_value=0), st.characters(codec="ascii", exclude_characters="/"))
def test_a_changed_character_makes_the_token_invalid(subscriber_id, position, replacement):
    token = make_token(purpose="unsubscribe", subscriber_id=subscriber_id)
    position %= len(token)
    tampered = token[:position] + replacement + token[position + 1 :]
    if tampered == token:
        return
    with pytest.raises(SubscriptionError) as caught:
        read_token(purpose="unsubscribe", token=tampered)
    assert caught.value.code == "link_invalid"


@given(st.sampled_from(PURPOSES), st.sampled_from(PURPOSES), ids)
def test_a_token_only_works_for_its_own_purpose(made_for, used_for, subscriber_id):
    token = make_token(purpose=made_for, subscriber_id=subscriber_id)
    if made_for == used_for:
        assert read_token(purpose=used_for, token=token)["s"] == subscriber_id
    else:
        with pytest.raises(SubscriptionError):
            read_token(purpose=used_for, token=token)


def test_a_token_signed_with_another_key_is_invalid(settings):
    token = signing.dumps({"s": 1}, salt="subscriptions.unsubscribe", key="some-other-key")
    with pytest.raises(SubscriptionError) as caught:
        read_token(purpose="unsubscribe", token=token)
    assert caught.value.code == "link_invalid"


def test_a_well_signed_token_with_the_wrong_shape_is_invalid():
    token = signing.dumps(["s", 1], salt="subscriptions.unsubscribe")
    with pytest.raises(SubscriptionError):
        read_token(purpose="unsubscribe", token=token)


def _days_later(monkeypatch, days):
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + days * 86400)


def test_confirmation_links_expire_after_seven_days(monkeypatch):
    token = make_token(purpose="confirm", subscriber_id=1, list_ids=[1])
    _days_later(monkeypatch, 6.9)
    assert read_token(purpose="confirm", token=token)["s"] == 1
    _days_later(monkeypatch, 7.1)
    with pytest.raises(SubscriptionError) as caught:
        read_token(purpose="confirm", token=token)
    assert caught.value.code == "link_expired"


def test_unsubscribe_links_keep_working_for_years(monkeypatch):
    token = make_token(purpose="unsubscribe", subscriber_id=1)
    _days_later(monkeypatch, 3 * 365)
    assert read_token(purpose="unsubscribe", token=token)["s"] == 1


def test_preferences_links_expire_after_about_six_months(monkeypatch):
    token = make_token(purpose="preferences", subscriber_id=1)
    _days_later(monkeypatch, 184)
    with pytest.raises(SubscriptionError):
        read_token(purpose="preferences", token=token)
