"""Duplicate, related or new: eligibility, signals, scores, thresholds and explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from correlate_svc.decision import (
    Decision,
    RequestFacts,
    Thresholds,
    Weights,
    decide,
    probability,
    score,
    score_candidates,
)

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = timedelta(days=60)
DAY = timedelta(days=1)
TERMINATION = "Je demande la résiliation de mon contrat habitation au 31 mars."
UNRELATED = "Le compteur de gaz affiche un relevé erroné depuis janvier."


def _facts(request_id: str = "new", **changes: object) -> RequestFacts:
    facts = RequestFacts(
        request_id=request_id,
        party_id="jean",
        category="termination",
        channel="email",
        subject="Résiliation",
        text=TERMINATION,
        sent_time=MONDAY,
        references=frozenset(),
        attachment_sha256s=frozenset(),
        case_id=f"case-{request_id}",
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def _decide(new: RequestFacts, *candidates: RequestFacts) -> tuple[Decision, str, str]:
    outcome = decide(new, candidates, Weights(), Thresholds())
    matched = outcome.matched.request_id if outcome.matched else ""
    return outcome.decision, matched, outcome.explanation


def test_the_same_demand_by_another_channel_scores_high() -> None:
    scored = score(_facts(), _facts("old", channel="mail"), Weights(), WINDOW)

    assert scored.content == pytest.approx(1.0)
    assert scored.same_category
    assert scored.signals.other_channel
    assert scored.signals.closeness == 1.0
    assert scored.score > 0.95
    assert scored.eligible


def test_scores_are_probabilities() -> None:
    low = score(
        _facts(),
        _facts(
            "old", text=UNRELATED, subject="Compteur", category="meter", sent_time=MONDAY - WINDOW
        ),
        Weights(),
        WINDOW,
    )

    assert 0.0 < low.score < 0.01


def test_shared_references_then_attachments_are_listed() -> None:
    digest = "ab" * 32
    new = _facts(
        references=frozenset({"SIN2", "CTR1", "OWN"}), attachment_sha256s=frozenset({digest})
    )
    candidate = _facts(
        "old", references=frozenset({"CTR1", "SIN2"}), attachment_sha256s=frozenset({digest})
    )

    scored = score(new, candidate, Weights(), WINDOW)

    assert scored.shared == ("CTR1", "SIN2", f"attachment {digest[:12]}")


def test_facts_agree_only_when_no_other_candidate_shares_them() -> None:
    new = _facts(text="Facture de 123,45 € du 15 mars", references=frozenset({"CTR1", "FAC9"}))
    invoice = _facts("a", text="facture 123.45 EUR", references=frozenset({"CTR1", "FAC9"}))
    other = _facts("b", text="facture", references=frozenset({"CTR1"}))

    scored = {
        s.candidate.request_id: s
        for s in score_candidates(new, [invoice, other], Weights(), WINDOW)
    }

    assert scored["a"].signals.agreeing == ("amount:123.45", "ref:FAC9")
    assert scored["b"].signals.agreeing == ()
    assert scored["a"].score > scored["b"].score


def test_facts_of_one_kind_with_nothing_in_common_conflict() -> None:
    new = _facts(text="Facture du 15 mars, 80 €", references=frozenset({"FAC1", "CTR1"}))
    same = _facts("same", text="Facture du 15/03 de 80,00 €", references=frozenset({"FAC1"}))
    other = _facts("other", text="Facture du 2 avril, 95 €", references=frozenset({"FAC2", "CTR1"}))

    agreeing = score(new, same, Weights(), WINDOW)
    conflicting = score(new, other, Weights(), WINDOW)

    assert agreeing.signals.conflicting == ()
    assert conflicting.signals.conflicting == ("amount", "date", "ref:FAC")
    assert conflicting.score < agreeing.score


def test_different_attachments_are_no_conflict() -> None:
    new = _facts(attachment_sha256s=frozenset({"a" * 64}))
    candidate = _facts("old", attachment_sha256s=frozenset({"b" * 64}))

    assert score(new, candidate, Weights(), WINDOW).signals.conflicting == ()


def test_categories_agree_differ_or_say_nothing() -> None:
    same = score(_facts(), _facts("old"), Weights(), WINDOW).signals
    other = score(_facts(), _facts("old", category="meter"), Weights(), WINDOW).signals
    abstained = score(_facts(category=""), _facts("old"), Weights(), WINDOW).signals

    assert (same.same_category, same.other_category) == (True, False)
    assert (other.same_category, other.other_category) == (False, True)
    assert (abstained.same_category, abstained.other_category) == (False, False)


@pytest.mark.parametrize(
    ("days", "closeness"), [(0, 1.0), (15, 0.75), (30, 0.5), (60, 0.0), (90, 0.0)]
)
def test_time_closeness_falls_over_the_window(days: int, closeness: float) -> None:
    candidate = _facts("old", sent_time=MONDAY - timedelta(days=days))

    scored = score(_facts(), candidate, Weights(), WINDOW)

    assert scored.days_apart == pytest.approx(days)
    assert scored.signals.closeness == pytest.approx(closeness)


def test_time_closeness_is_symmetric() -> None:
    earlier = score(
        _facts(), _facts("old", sent_time=MONDAY - timedelta(days=3)), Weights(), WINDOW
    )
    later = score(_facts(), _facts("old", sent_time=MONDAY + timedelta(days=3)), Weights(), WINDOW)

    assert earlier.score == pytest.approx(later.score)


def test_each_signal_moves_the_score_its_weights_way() -> None:
    base = score(_facts(), _facts("old", text=UNRELATED), Weights(), WINDOW).signals
    weights = Weights()

    for name, direction in [
        ("content", 1),
        ("agreeing", 1),
        ("conflicting", -1),
        ("other_category", -1),
        ("other_channel", 1),
    ]:
        value: object = (
            0.9 if name == "content" else ("x",) if name in ("agreeing", "conflicting") else True
        )
        moved = probability(replace(base, **{name: value}), weights)
        assert (moved - probability(base, weights)) * direction > 0, name


@pytest.mark.parametrize(
    ("new_party", "candidate_party", "shared", "eligible"),
    [
        ("jean", "jean", False, True),
        ("jean", "marie", False, False),
        ("jean", "marie", True, False),
        ("", "marie", True, True),
        ("jean", "", True, True),
        ("", "", True, True),
        ("", "marie", False, False),
        ("", "", False, False),
    ],
)
def test_eligibility(new_party: str, candidate_party: str, shared: bool, eligible: bool) -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(party_id=new_party, references=references)
    candidate = _facts(
        "old", party_id=candidate_party, references=references if shared else frozenset()
    )

    assert score(new, candidate, Weights(), WINDOW).eligible is eligible


def test_a_shared_attachment_makes_an_unknown_sender_eligible() -> None:
    digest = "cd" * 32
    new = _facts(party_id="", attachment_sha256s=frozenset({digest}))
    candidate = _facts("old", attachment_sha256s=frozenset({digest}))

    assert score(new, candidate, Weights(), WINDOW).eligible


def test_a_resent_demand_of_the_same_party_is_a_duplicate() -> None:
    new = _facts(channel="mail", sent_time=MONDAY + timedelta(days=2))
    candidate = _facts("old", channel="phone")

    decision, matched, explanation = _decide(new, candidate)

    assert (decision, matched) == (Decision.DUPLICATE, "old")
    assert explanation.startswith("duplicate of old (case case-old), score 1.00: ")
    assert "content similarity 1.00" in explanation
    assert "its phone of 2026-03-02, 2 days apart" in explanation


def test_another_demand_of_the_same_party_weeks_apart_is_new() -> None:
    candidate = _facts(
        "old",
        text=UNRELATED,
        subject="Compteur",
        category="meter",
        sent_time=MONDAY - 3 * timedelta(weeks=1),
    )

    decision, matched, explanation = _decide(_facts(), candidate)

    assert (decision, matched) == (Decision.NEW, "")
    assert explanation.startswith("new case: closest open request old scored 0.0")


def test_a_middling_candidate_is_related() -> None:
    # The same matter in other words, a month earlier: related, not the same demand.
    candidate = _facts(
        "old", subject="", text="Résiliation de mon contrat", sent_time=MONDAY - 30 * DAY
    )

    outcome = decide(_facts(), [candidate], Weights(), Thresholds())

    assert Thresholds().related <= outcome.score < Thresholds().duplicate
    assert outcome.decision is Decision.RELATED
    assert outcome.explanation.startswith("related to old (case case-old)")


def test_the_best_candidate_wins() -> None:
    near = _facts("near", channel="mail")
    far = _facts("far", channel="mail", sent_time=MONDAY - timedelta(days=40))

    assert _decide(_facts(), far, near)[1] == "near"


def test_another_customers_reference_never_makes_a_duplicate() -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(references=references)
    candidate = _facts("old", party_id="marie", references=references)

    decision, matched, explanation = _decide(new, candidate)

    assert (decision, matched) == (Decision.NEW, "")
    assert explanation == "new case: no open request of party jean in the window"


def test_an_unknown_sender_quoting_a_reference_joins_its_case() -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(party_id="", references=references, channel="sms")
    candidate = _facts("old", references=references)

    decision, matched, _ = _decide(new, candidate)

    assert (decision, matched) == (Decision.DUPLICATE, "old")


def test_an_unknown_sender_without_a_shared_reference_opens_a_case() -> None:
    decision, matched, explanation = _decide(_facts(party_id=""), _facts("old"))

    assert (decision, matched) == (Decision.NEW, "")
    assert "sender unknown and no shared reference or attachment" in explanation


def test_no_candidates_opens_a_case() -> None:
    outcome = decide(_facts(), [], Weights(), Thresholds())

    assert (outcome.decision, outcome.matched, outcome.score) == (Decision.NEW, None, 0.0)


def test_the_request_itself_is_never_its_own_candidate() -> None:
    outcome = decide(_facts(), [_facts()], Weights(), Thresholds())

    assert outcome.decision is Decision.NEW
