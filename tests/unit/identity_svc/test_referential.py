"""normalise_party: canonical identifiers, unreadable ones reported, the party kept."""

from __future__ import annotations

import pytest

from identity_svc.identifiers import InvalidIdentifierError
from identity_svc.referential import (
    Identifier,
    ImportReport,
    Party,
    PartyKind,
    normalise_party,
)


def _party(*identifiers: tuple[str, str], party_id: str = "P-1", name: str = "Jean") -> Party:
    return Party(
        party_id,
        PartyKind.PERSON,
        name,
        tuple(Identifier(kind, value) for kind, value in identifiers),
        ("1 rue de la Paix, Paris",),
    )


def _pairs(identifiers: tuple[Identifier, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((i.kind, i.value) for i in identifiers)


def test_identifiers_are_put_in_canonical_form() -> None:
    party = _party(
        ("email", "Jean.Dupont@Example.FR"),
        ("phone", "06 12 34 56 78"),
        ("customer_number", "cli-482 913"),
        ("contract_number", "CTR-2024 0871"),
        ("iban", "fr76 3000 6000 0112 3456 7890 189"),
    )

    normalised, problems = normalise_party(party)

    assert problems == []
    assert _pairs(normalised.identifiers) == (
        ("email", "jean.dupont@example.fr"),
        ("phone", "+33612345678"),
        ("customer_number", "CLI482913"),
        ("contract_number", "CTR20240871"),
        ("iban", "FR7630006000011234567890189"),
    )
    assert normalised.kind is PartyKind.PERSON
    assert normalised.postal_addresses == party.postal_addresses


def test_the_same_identifier_written_twice_is_kept_once() -> None:
    party = _party(("phone", "06 12 34 56 78"), ("phone", "+33 6 12 34 56 78"))

    normalised, problems = normalise_party(party)

    assert _pairs(normalised.identifiers) == (("phone", "+33612345678"),)
    assert problems == []


def test_the_same_value_under_two_kinds_is_kept_twice() -> None:
    party = _party(("customer_number", "482913"), ("contract_number", "482913"))

    normalised, _ = normalise_party(party)

    assert _pairs(normalised.identifiers) == (
        ("customer_number", "482913"),
        ("contract_number", "482913"),
    )


def test_unreadable_identifiers_are_left_out_and_reported() -> None:
    party = _party(
        ("email", "jean@example.fr"),
        ("email", "not-an-address"),
        ("iban", "FR76 0000"),
        ("fax", "01 23 45 67 89"),
    )

    normalised, problems = normalise_party(party)

    assert _pairs(normalised.identifiers) == (("email", "jean@example.fr"),)
    assert len(problems) == 3
    assert problems[0].startswith("email 'not-an-address' left out")
    assert problems[1].startswith("iban 'FR76 0000' left out")
    assert problems[2].startswith("fax '01 23 45 67 89' left out")


def test_id_and_name_are_stripped() -> None:
    normalised, _ = normalise_party(_party(party_id="  P-1 ", name=" Jean Dupont  "))

    assert (normalised.party_id, normalised.display_name) == ("P-1", "Jean Dupont")


def test_the_party_given_is_not_changed() -> None:
    party = _party(("email", "JEAN@EXAMPLE.FR"))

    normalise_party(party)

    assert _pairs(party.identifiers) == (("email", "JEAN@EXAMPLE.FR"),)


@pytest.mark.parametrize(
    ("party_id", "name", "message"),
    [("", "Jean", "no party_id"), ("   ", "Jean", "no party_id"), ("P-1", " ", "no display_name")],
)
def test_a_party_without_id_or_name_is_refused(party_id: str, name: str, message: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=message):
        normalise_party(_party(party_id=party_id, name=name))


def test_import_report_records_rejections_in_order() -> None:
    report = ImportReport()

    report.reject(3, "P-3", "no display_name")
    report.reject(7, "P-7", "email 'x' left out")

    assert report.rejections == [(3, "P-3", "no display_name"), (7, "P-7", "email 'x' left out")]
    assert (report.created, report.updated) == (0, 0)


def test_birth_dates_are_put_in_iso_form_and_bad_ones_left_out() -> None:
    good, problems = normalise_party(
        Party("P-1", PartyKind.PERSON, "Jean", birth_date="12/03/1975")
    )
    bad, bad_problems = normalise_party(Party("P-2", PartyKind.PERSON, "Jean", birth_date="soon"))

    assert (good.birth_date, problems) == ("1975-03-12", [])
    assert bad.birth_date == ""
    assert bad_problems[0].startswith("birth_date left out")


def test_a_party_holds_no_plain_reference() -> None:
    normalised, problems = normalise_party(_party(("reference", "123456")))

    assert normalised.identifiers == ()
    assert "no plain reference" in problems[0]
