import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import given
from hypothesis import strategies as st

from dscp.addresses import email_hash, normalise_email


@given(st.emails())
def test_normalised_address_is_stable_valid_and_lower_case(address):
    try:
        normal = normalise_email(address)
    except ValidationError:
        return  # some generated addresses (e.g. quoted local parts) are refused on purpose
    assert normalise_email(normal) == normal
    assert normal == normal.lower()
    validate_email(normal)


@given(st.emails(), st.sampled_from([str.upper, str.lower, str.title]), st.text(" \t", max_size=3))
def test_case_and_surrounding_spaces_do_not_make_a_different_person(address, case, spaces):
    try:
        expected = normalise_email(address)
    except ValidationError:
        return
    assert normalise_email(spaces + case(address) + spaces) == expected
    assert email_hash(case(address)) == email_hash(address)


@given(
    st.emails(),
    st.sampled_from(["\n", "\r", "\r\n", "\x00", "<", ">", ",", " "]),
    st.integers(min_value=0, max_value=100),
)
def test_header_syntax_anywhere_inside_the_address_is_refused(address, junk, position):
    position = min(position, len(address) - 1) or 1
    with pytest.raises(ValidationError):
        normalise_email(address[:position] + junk + address[position:])


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Sam Example <sam@example.org>", "junk"),
        ("sam@example.org\nBcc: victim@example.org", "junk"),
        ("sam@example.org, other@example.org", "junk"),
        ("not an address", "junk"),
        ("sam.example.org", "invalid"),
        ("sam@", "invalid"),
        ("", "required"),
        ("a" * 250 + "@example.org", "too_long"),
    ],
)
def test_bad_addresses_get_a_reason(typed, code):
    with pytest.raises(ValidationError) as caught:
        normalise_email(typed)
    assert caught.value.code == code


def test_international_domain_is_stored_in_its_ascii_form():
    assert normalise_email("Anna@Müller.example") == "anna@xn--mller-kva.example"


def test_hash_is_hex_sha256_and_never_contains_the_address():
    digest = email_hash("sam@example.org")
    assert len(digest) == 64
    assert "sam" not in digest
