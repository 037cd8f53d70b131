"""Finding case references in a request, and when a reference may be followed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from chassis.identifiers import new_id
from correlate_svc.case_references import case_references, follow_up
from correlate_svc.decision import RequestFacts, Thresholds, Weights

CASE = new_id("case-")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ORIGINAL = RequestFacts(
    request_id="mail-1",
    party_id="jean",
    category="termination",
    channel="mail",
    subject="Résiliation",
    text="Je demande la résiliation de mon contrat habitation au 31 mars.",
    sent_time=MONDAY,
    references=frozenset({"CTR20240871"}),
    attachment_sha256s=frozenset(),
    case_id=CASE,
)
REPLY = replace(
    ORIGINAL,
    request_id="email-2",
    channel="email",
    subject="RE:",
    text="D'accord, merci.",
    references=frozenset(),
    case_id="",
)


def _follow(new: RequestFacts, case_party: str = "jean") -> tuple[bool, str]:
    followed = follow_up(
        new, CASE, case_party, [ORIGINAL], weights=Weights(), thresholds=Thresholds()
    )
    return followed.joins, followed.explanation


def test_case_ids_are_found_in_subject_and_text_in_any_case() -> None:
    found = case_references((), f"RE: dossier {CASE.upper()}", f"voir {CASE}, et case-123")

    assert found == (CASE,)


def test_references_from_the_channel_come_first_and_each_once() -> None:
    other = new_id("case-")

    found = case_references((f" {other} ", "", CASE), f"Dossier {CASE}", f"{other}")

    assert found == (other, CASE)


def test_a_longer_word_is_not_a_case_id() -> None:
    assert case_references((), "", f"x{CASE}y {CASE}0") == ()


def test_the_same_party_follows_its_reference() -> None:
    joins, explanation = _follow(REPLY)

    assert joins
    assert explanation == f"follows up case {CASE}, which it references (same party)"


def test_another_party_never_follows_it() -> None:
    joins, explanation = _follow(replace(REPLY, party_id="mallory", text=ORIGINAL.text))

    assert not joins
    assert "another party's" in explanation


def test_an_unknown_sender_needs_agreeing_evidence() -> None:
    unknown = replace(REPLY, party_id="")

    assert not _follow(unknown)[0]
    assert _follow(replace(unknown, references=frozenset({"CTR20240871"})))[0]
    assert _follow(replace(unknown, text=ORIGINAL.text))[0]


def test_a_case_of_an_unknown_party_needs_agreeing_evidence_too() -> None:
    assert not _follow(REPLY, case_party="")[0]
    assert _follow(replace(REPLY, text=ORIGINAL.text), case_party="")[0]
