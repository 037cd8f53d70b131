"""Who sent a request: identified, ambiguous or unknown, from weighted evidence."""

from __future__ import annotations

import pytest

from identity_svc.extraction import FoundIdentifier
from identity_svc.identifiers import IdentifierKind
from identity_svc.matching import (
    CONTENT_WEIGHTS,
    SENDER_WEIGHTS,
    Decision,
    Holders,
    Resolution,
    Thresholds,
    decide,
    found_kinds,
)

EMAIL = IdentifierKind.EMAIL
PHONE = IdentifierKind.PHONE
CUSTOMER = IdentifierKind.CUSTOMER_NUMBER
CONTRACT = IdentifierKind.CONTRACT_NUMBER
IBAN = IdentifierKind.IBAN
REFERENCE = IdentifierKind.REFERENCE

JEAN_EMAIL = "jean@example.fr"
FAMILY_PHONE = "+33612345678"
JEAN_CUSTOMER = "CLI482913"
JEAN_CONTRACT = "CTR20240871"
MARIE_EMAIL = "marie@example.fr"
MARIE_CUSTOMER = "CLI777001"
IBAN_VALUE = "FR7630006000011234567890189"

HOLDERS: Holders = {
    JEAN_EMAIL: [("jean", EMAIL)],
    FAMILY_PHONE: [("jean", PHONE), ("marie", PHONE)],
    JEAN_CUSTOMER: [("jean", CUSTOMER)],
    JEAN_CONTRACT: [("jean", CONTRACT)],
    MARIE_EMAIL: [("marie", EMAIL)],
    MARIE_CUSTOMER: [("marie", CUSTOMER)],
    IBAN_VALUE: [("jean", IBAN)],
}


def _ranked(resolution: Resolution) -> list[tuple[str, float]]:
    return [(party, round(confidence, 9)) for party, confidence in resolution.candidates]


def _found(kind: IdentifierKind, value: str, location: str = "body") -> FoundIdentifier:
    return FoundIdentifier(kind, value, location, value, 0)


def test_a_known_sender_address_identifies_its_party() -> None:
    resolution = decide([_found(EMAIL, JEAN_EMAIL, "sender")], HOLDERS, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert resolution.party_id == "jean"
    assert resolution.confidence == pytest.approx(SENDER_WEIGHTS[EMAIL])
    assert [(e.kind, e.value, e.location, e.party_id) for e in resolution.evidence] == [
        (EMAIL, JEAN_EMAIL, "sender", "jean")
    ]
    assert _ranked(resolution) == [("jean", 0.95)]


@pytest.mark.parametrize(("kind", "weight"), sorted(SENDER_WEIGHTS.items()))
def test_sender_weights(kind: IdentifierKind, weight: float) -> None:
    value = JEAN_EMAIL if kind is EMAIL else "+33100000000"
    holders: Holders = {value: [("jean", kind)]}

    resolution = decide([_found(kind, value, "sender")], holders, Thresholds(identify=0.0))

    assert resolution.confidence == pytest.approx(weight)


@pytest.mark.parametrize(("kind", "weight"), sorted(CONTENT_WEIGHTS.items()))
def test_content_weights(kind: IdentifierKind, weight: float) -> None:
    holders: Holders = {"VALUE123": [("jean", kind)]}

    resolution = decide([_found(kind, "VALUE123")], holders, Thresholds(identify=0.0))

    assert resolution.confidence == pytest.approx(weight)


def test_a_sender_address_weighs_more_than_a_quoted_one() -> None:
    assert SENDER_WEIGHTS[EMAIL] > CONTENT_WEIGHTS[EMAIL]
    assert SENDER_WEIGHTS[PHONE] > CONTENT_WEIGHTS[PHONE]


def test_an_address_quoted_in_the_body_alone_is_not_enough() -> None:
    resolution = decide([_found(EMAIL, JEAN_EMAIL)], HOLDERS, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert resolution.party_id == ""
    assert resolution.confidence == pytest.approx(0.7)
    assert _ranked(resolution) == [("jean", 0.7)]


def test_independent_evidence_combines() -> None:
    found = [_found(EMAIL, JEAN_EMAIL), _found(CONTRACT, JEAN_CONTRACT)]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert resolution.confidence == pytest.approx(1 - (1 - 0.7) * (1 - 0.85))
    assert len(resolution.evidence) == 2


def test_the_same_identifier_in_two_places_counts_once() -> None:
    found = [_found(EMAIL, JEAN_EMAIL, "subject"), _found(EMAIL, JEAN_EMAIL, "body")]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert resolution.confidence == pytest.approx(0.7)


def test_the_same_identifier_as_sender_and_quoted_counts_at_its_strongest() -> None:
    found = [_found(EMAIL, JEAN_EMAIL, "body"), _found(EMAIL, JEAN_EMAIL, "sender")]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.confidence == pytest.approx(0.95)


def test_a_reference_matches_a_customer_or_contract_number() -> None:
    found = [_found(REFERENCE, JEAN_CUSTOMER), _found(REFERENCE, JEAN_CONTRACT)]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert {e.kind: e.weight for e in resolution.evidence} == {
        CUSTOMER: pytest.approx(0.9),
        CONTRACT: pytest.approx(0.85),
    }


def test_a_reference_never_matches_another_kind_of_identifier() -> None:
    resolution = decide([_found(REFERENCE, IBAN_VALUE)], HOLDERS, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert resolution.evidence == ()
    assert resolution.confidence == 0.0


def test_a_value_found_as_one_kind_never_matches_another() -> None:
    holders: Holders = {"+33612345678": [("jean", CUSTOMER)]}

    resolution = decide([_found(PHONE, "+33612345678", "sender")], holders, Thresholds())

    assert resolution.evidence == ()


def test_nothing_known_is_unknown_with_no_confidence() -> None:
    found = [_found(EMAIL, "stranger@example.org", "sender"), _found(REFERENCE, "XYZ99999")]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert (resolution.party_id, resolution.confidence) == ("", 0.0)
    assert resolution.evidence == ()
    assert resolution.candidates == ()


def test_nothing_found_is_unknown() -> None:
    resolution = decide([], HOLDERS, Thresholds())

    assert (resolution.decision, resolution.confidence) == (Decision.UNKNOWN, 0.0)


def test_a_shared_identifier_splits_its_weight() -> None:
    resolution = decide([_found(PHONE, FAMILY_PHONE, "sender")], HOLDERS, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert resolution.confidence == pytest.approx(0.45)
    assert {e.party_id: e.weight for e in resolution.evidence} == {
        "jean": pytest.approx(0.45),
        "marie": pytest.approx(0.45),
    }
    assert _ranked(resolution) == [("jean", 0.45), ("marie", 0.45)]


def test_a_shared_identifier_plus_a_personal_one_identifies() -> None:
    found = [_found(PHONE, FAMILY_PHONE, "sender"), _found(REFERENCE, JEAN_CUSTOMER)]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert resolution.party_id == "jean"
    assert resolution.confidence == pytest.approx(1 - (1 - 0.45) * (1 - 0.9))
    assert {e.party_id for e in resolution.evidence} == {"jean"}
    assert [party for party, _ in resolution.candidates] == ["jean", "marie"]


def test_two_strong_parties_are_ambiguous() -> None:
    found = [_found(EMAIL, MARIE_EMAIL, "sender"), _found(REFERENCE, JEAN_CUSTOMER)]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.AMBIGUOUS
    assert resolution.party_id == ""
    assert resolution.confidence == pytest.approx(0.95)
    assert {e.party_id for e in resolution.evidence} == {"jean", "marie"}
    assert [party for party, _ in resolution.candidates] == ["marie", "jean"]


def test_a_lead_beyond_the_margin_identifies() -> None:
    found = [
        _found(EMAIL, JEAN_EMAIL, "sender"),
        _found(REFERENCE, JEAN_CUSTOMER),
        _found(EMAIL, MARIE_EMAIL),
    ]

    resolution = decide(found, HOLDERS, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert resolution.party_id == "jean"
    assert _ranked(resolution)[1] == ("marie", 0.7)


def test_thresholds_are_the_callers() -> None:
    found = [_found(EMAIL, JEAN_EMAIL)]

    assert decide(found, HOLDERS, Thresholds(identify=0.6)).decision is Decision.IDENTIFIED
    strict = Thresholds(identify=0.5, margin=0.5)
    found_two = [_found(EMAIL, JEAN_EMAIL, "sender"), _found(EMAIL, MARIE_EMAIL)]
    assert decide(found_two, HOLDERS, strict).decision is Decision.AMBIGUOUS


def test_at_most_five_candidates_best_first_then_by_id() -> None:
    holders: Holders = {f"CLI00000{n}": [(f"party-{n}", CUSTOMER)] for n in range(7)}
    found = [_found(REFERENCE, value) for value in holders]

    resolution = decide(found, holders, Thresholds())

    assert resolution.decision is Decision.AMBIGUOUS
    assert [party for party, _ in resolution.candidates] == [f"party-{n}" for n in range(5)]


def test_found_kinds_types_references_the_referential_knows() -> None:
    found = [
        _found(REFERENCE, JEAN_CUSTOMER),
        _found(REFERENCE, JEAN_CONTRACT),
        _found(REFERENCE, "UNKNOWN123"),
        _found(EMAIL, JEAN_EMAIL),
    ]

    typed = found_kinds(found, HOLDERS)

    assert [(f.kind, f.value) for f in typed] == [
        (CUSTOMER, JEAN_CUSTOMER),
        (CONTRACT, JEAN_CONTRACT),
        (REFERENCE, "UNKNOWN123"),
        (EMAIL, JEAN_EMAIL),
    ]
    assert typed[0].raw == found[0].raw


def test_found_kinds_leaves_a_reference_known_under_two_kinds_untyped() -> None:
    holders: Holders = {"AB12345": [("jean", CUSTOMER), ("marie", CONTRACT)]}

    assert found_kinds([_found(REFERENCE, "AB12345")], holders)[0].kind is REFERENCE


def test_found_kinds_ignores_kinds_a_reference_cannot_be() -> None:
    holders: Holders = {IBAN_VALUE: [("jean", IBAN)]}

    assert found_kinds([_found(REFERENCE, IBAN_VALUE)], holders)[0].kind is REFERENCE
