"""Canonical forms of identifiers."""

from __future__ import annotations

import pytest

from identity_svc.identifiers import (
    IdentifierKind,
    InvalidIdentifierError,
    canonical,
    canonical_phone,
    reference_form,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Jean.Dupont@Example.FR", "jean.dupont@example.fr"),
        ("  jean@example.fr  ", "jean@example.fr"),
        ("mailto:Jean@Example.fr", "jean@example.fr"),
        ("MAILTO:jean@example.fr", "jean@example.fr"),
    ],
)
def test_emails_are_lower_case_without_mailto(written: str, expected: str) -> None:
    assert canonical(IdentifierKind.EMAIL, written) == expected


@pytest.mark.parametrize("written", ["jean", "jean@", "@example.fr", "jean@example", "a b@c.fr"])
def test_a_malformed_email_is_refused(written: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="not an email address"):
        canonical(IdentifierKind.EMAIL, written)


@pytest.mark.parametrize(
    "written",
    ["06 12 34 56 78", "06.12.34.56.78", "0612345678", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78"],
)
def test_french_phones_are_e164(written: str) -> None:
    assert canonical(IdentifierKind.PHONE, written) == "+33612345678"


def test_a_phone_with_a_country_code_ignores_the_region() -> None:
    assert canonical_phone("+44 20 7946 0958") == "+442079460958"
    assert canonical_phone("+44 20 7946 0958", "DE") == "+442079460958"


def test_a_phone_without_country_code_is_read_in_the_region() -> None:
    assert canonical(IdentifierKind.PHONE, "020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize("written", ["call me", "12", "", "+33 6 12"])
def test_something_that_is_not_a_phone_is_refused(written: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="phone number"):
        canonical(IdentifierKind.PHONE, written)


def test_ibans_are_compact_and_upper_case() -> None:
    written = "fr76 3000 6000 0112 3456 7890 189"

    assert canonical(IdentifierKind.IBAN, written) == "FR7630006000011234567890189"


@pytest.mark.parametrize("written", ["FR76 3000 6000 0112 3456 7890 188", "FR76", "not an iban"])
def test_an_iban_with_a_wrong_check_is_refused(written: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="not a valid IBAN"):
        canonical(IdentifierKind.IBAN, written)


@pytest.mark.parametrize(
    "kind",
    [IdentifierKind.CUSTOMER_NUMBER, IdentifierKind.CONTRACT_NUMBER, IdentifierKind.REFERENCE],
)
def test_numbers_keep_letters_and_digits_in_upper_case(kind: IdentifierKind) -> None:
    assert canonical(kind, "ctr-2024 0871") == "CTR20240871"
    assert canonical(kind, " 482.913 ") == "482913"


@pytest.mark.parametrize("written", ["A1", "1-2-3", "ABCDEF", "----"])
def test_a_number_too_short_or_without_digit_is_refused(written: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="too short or has no digit"):
        canonical(IdentifierKind.CUSTOMER_NUMBER, written)


def test_reference_form() -> None:
    assert reference_form("Cli-482 913/b") == "CLI482913B"
    assert reference_form("n° 12") == "N12"
    assert reference_form("") == ""


def test_invalid_identifier_error_is_a_value_error() -> None:
    assert issubclass(InvalidIdentifierError, ValueError)
