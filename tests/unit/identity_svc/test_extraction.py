"""Identifiers found in the texts of a request, and the sender handle."""

from __future__ import annotations

import pytest

from identity_svc.extraction import (
    FoundIdentifier,
    RequestText,
    extract_identifiers,
    sender_identifier,
)
from identity_svc.identifiers import IdentifierKind

EMAIL = IdentifierKind.EMAIL
PHONE = IdentifierKind.PHONE
IBAN = IdentifierKind.IBAN
REFERENCE = IdentifierKind.REFERENCE


def _found(text: str, region: str = "FR") -> list[tuple[IdentifierKind, str]]:
    return [(f.kind, f.value) for f in extract_identifiers([RequestText("body", text)], region)]


def _values(text: str, kind: IdentifierKind) -> list[str]:
    return [value for found_kind, value in _found(text) if found_kind is kind]


def test_emails_are_found_in_lower_case_with_what_was_written() -> None:
    text = "Écrivez à Jean.Dupont@Example.FR ou à compta+factures@assur-habitat.fr."

    found = extract_identifiers([RequestText("body", text)])

    assert [(f.kind, f.value) for f in found] == [
        (EMAIL, "jean.dupont@example.fr"),
        (EMAIL, "compta+factures@assur-habitat.fr"),
    ]
    assert found[0].raw == "Jean.Dupont@Example.FR"
    assert text[found[0].start :].startswith("Jean.Dupont@")
    assert found[0].location == "body"


@pytest.mark.parametrize(
    "written",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
    ],
)
def test_french_phones_in_every_usual_format(written: str) -> None:
    assert _found(f"Vous pouvez me joindre : {written}, merci.") == [(PHONE, "+33612345678")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 202 456 1111", "+12024561111"),
        ("+49 30 901820", "+4930901820"),
        ("+32 2 555 12 12", "+3225551212"),
    ],
)
def test_international_phones(written: str, expected: str) -> None:
    assert _found(f"Mon numéro : {written}") == [(PHONE, expected)]


def test_a_phone_without_country_code_is_read_in_the_region() -> None:
    assert _found("Call me: 020 7946 0958", region="GB") == [(PHONE, "+442079460958")]


def test_a_valid_iban_is_found_in_canonical_form() -> None:
    found = _values("IBAN : FR76 3000 6000 0112 3456 7890 189 pour le prélèvement", IBAN)

    assert found == ["FR7630006000011234567890189"]


def test_an_iban_with_a_wrong_check_is_not_an_iban() -> None:
    assert _values("IBAN : FR76 3000 6000 0112 3456 7890 188", IBAN) == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("CTR-2024 0871", "CTR20240871"),
        ("CLI482913", "CLI482913"),
        ("cli-482913", "CLI482913"),
        ("SIN.2026.00042", "SIN202600042"),
        ("n° 12 34 56", "123456"),
        ("482913", "482913"),
    ],
)
def test_number_like_tokens_are_references(written: str, expected: str) -> None:
    assert _found(f"Concernant le dossier {written}, je reviens vers vous.") == [
        (REFERENCE, expected)
    ]


def test_split_reference_keeps_what_was_written() -> None:
    (found,) = extract_identifiers([RequestText("subject", "Contrat CTR-2024 0871")])

    assert (found.kind, found.value, found.raw, found.start) == (
        REFERENCE,
        "CTR20240871",
        "CTR-2024 0871",
        8,
    )


@pytest.mark.parametrize("written", ["CTR-123", "1234", "ABC 12 34"])
def test_fewer_than_five_digits_is_not_a_reference(written: str) -> None:
    assert _found(f"Dossier {written}") == []


@pytest.mark.parametrize("written", ["12/11/2026", "2026-11-12", "12.11.26", "1/2/2026"])
def test_dates_are_not_references(written: str) -> None:
    assert _found(f"Courrier reçu {written}.") == []


@pytest.mark.parametrize("text", ["Votre courrier du 12/11/2026.", "Le 2026-11-12, j'ai appelé."])
def test_a_date_after_a_short_word_is_not_a_reference(text: str) -> None:
    assert _found(text) == []


def test_a_phone_is_not_also_a_reference() -> None:
    assert _found("Téléphone : 06 12 34 56 78") == [(PHONE, "+33612345678")]
    assert _found("+33 6 12 34 56 78") == [(PHONE, "+33612345678")]


@pytest.mark.parametrize("text", ["Appelez-moi au 06 12 34 56 78", "Tel 0612345678"])
def test_a_phone_after_a_short_word_is_not_also_a_reference(text: str) -> None:
    assert _found(text) == [(PHONE, "+33612345678")]


def test_the_same_identifier_twice_in_one_text_is_found_once() -> None:
    text = "jean@example.fr, CTR-2024 0871 ; rappel : JEAN@example.fr et CTR20240871"

    assert _found(text) == [(EMAIL, "jean@example.fr"), (REFERENCE, "CTR20240871")]


def test_the_same_identifier_in_two_locations_is_found_in_each() -> None:
    found = extract_identifiers(
        [
            RequestText("subject", "Contrat CTR20240871"),
            RequestText("body", "Mon contrat CTR-2024-0871 et jean@example.fr"),
        ]
    )

    assert [(f.location, f.kind, f.value) for f in found] == [
        ("subject", REFERENCE, "CTR20240871"),
        ("body", REFERENCE, "CTR20240871"),
        ("body", EMAIL, "jean@example.fr"),
    ]


def test_texts_keep_their_order() -> None:
    found = extract_identifiers(
        [RequestText("attachment:1", "CLI482913"), RequestText("body", "CLI777777")]
    )

    assert [f.location for f in found] == ["attachment:1", "body"]


def test_identifiers_of_one_text_come_in_text_order() -> None:
    found = extract_identifiers([RequestText("body", "Contrat CTR-2024 0871, jean@example.fr")])

    assert [f.kind for f in found] == [REFERENCE, EMAIL]


@pytest.mark.parametrize("text", ["", "Bonjour, je n'ai rien à signaler.", "Montant : 12,50 €"])
def test_a_text_without_identifiers(text: str) -> None:
    assert _found(text) == []


def test_no_texts() -> None:
    assert extract_identifiers([]) == []


def test_a_sender_address_is_an_email_identifier() -> None:
    assert sender_identifier(" Jean.Dupont@Example.fr ") == FoundIdentifier(
        EMAIL, "jean.dupont@example.fr", "sender", "Jean.Dupont@Example.fr", 0
    )


def test_a_sender_number_is_a_phone_identifier() -> None:
    found = sender_identifier("06 12 34 56 78")

    assert found is not None
    assert (found.kind, found.value, found.location) == (PHONE, "+33612345678", "sender")


def test_a_sender_number_is_read_in_the_region() -> None:
    found = sender_identifier("020 7946 0958", region="GB")

    assert found is not None
    assert found.value == "+442079460958"


@pytest.mark.parametrize("sender", ["", "   ", "jean@", "Service client", "12"])
def test_a_sender_that_is_no_handle_has_no_identifier(sender: str) -> None:
    assert sender_identifier(sender) is None
