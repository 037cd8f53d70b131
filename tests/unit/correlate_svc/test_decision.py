"""Duplicate, related or new: eligibility, scores, thresholds and explanations."""

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
    score,
)

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = timedelta(days=60)
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


def test_weights_sum_to_one() -> None:
    weights = Weights()

    total = weights.content + weights.shared_reference + weights.same_category + weights.time

    assert total == pytest.approx(1.0)


def test_the_same_demand_scores_every_signal() -> None:
    new = _facts(references=frozenset({"CTR20240871"}))
    candidate = _facts("old", references=frozenset({"CTR20240871"}))

    scored = score(new, candidate, Weights(), WINDOW)

    assert scored.content == pytest.approx(1.0)
    assert scored.shared == ("CTR20240871",)
    assert scored.same_category
    assert scored.days_apart == 0.0
    assert scored.score == pytest.approx(1.0)
    assert scored.eligible


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


def test_a_shared_reference_counts_once_however_many() -> None:
    one = score(
        _facts(references=frozenset({"A1"})),
        _facts("old", text=UNRELATED, references=frozenset({"A1"})),
        Weights(),
        WINDOW,
    )
    two = score(
        _facts(references=frozenset({"A1", "B2"})),
        _facts("old", text=UNRELATED, references=frozenset({"A1", "B2"})),
        Weights(),
        WINDOW,
    )

    assert one.score == pytest.approx(two.score)


def test_empty_categories_are_not_the_same_category() -> None:
    scored = score(_facts(category=""), _facts("old", category=""), Weights(), WINDOW)

    assert not scored.same_category


@pytest.mark.parametrize(
    ("days", "closeness"), [(0, 1.0), (15, 0.75), (30, 0.5), (60, 0.0), (90, 0.0)]
)
def test_time_closeness_falls_over_the_window(days: int, closeness: float) -> None:
    weights = Weights(content=0.0, shared_reference=0.0, same_category=0.0, time=1.0)
    candidate = _facts("old", sent_time=MONDAY - timedelta(days=days))

    scored = score(_facts(), candidate, weights, WINDOW)

    assert scored.days_apart == pytest.approx(days)
    assert scored.score == pytest.approx(closeness)


def test_time_closeness_is_symmetric() -> None:
    earlier = score(
        _facts(), _facts("old", sent_time=MONDAY - timedelta(days=3)), Weights(), WINDOW
    )
    later = score(_facts(), _facts("old", sent_time=MONDAY + timedelta(days=3)), Weights(), WINDOW)

    assert earlier.score == pytest.approx(later.score)


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
    assert explanation.startswith("duplicate of old (case case-old)")


def test_another_customers_reference_never_makes_a_duplicate() -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(references=references)
    candidate = _facts("old", party_id="marie", references=references)

    decision, matched, explanation = _decide(new, candidate)

    assert (decision, matched) == (Decision.NEW, "")
    assert explanation == "new case: no open request of party jean in the window"


def test_an_unknown_sender_quoting_a_reference_joins_its_case() -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(party_id="", references=references)
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


def test_the_request_itself_is_not_its_own_candidate() -> None:
    decision, _, _ = _decide(_facts(), _facts())

    assert decision is Decision.NEW


def test_contradicting_categories_make_related_not_duplicate() -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(category="complaint", references=references)
    candidate = _facts("old", category="termination", references=references)

    outcome = decide(new, [candidate], Weights(), Thresholds())

    assert outcome.score >= Thresholds().duplicate
    assert outcome.decision is Decision.RELATED
    assert outcome.explanation.startswith("related to old")


@pytest.mark.parametrize(("new_category", "old_category"), [("", "termination"), ("complaint", "")])
def test_a_missing_category_contradicts_nothing(new_category: str, old_category: str) -> None:
    references = frozenset({"CTR20240871"})
    new = _facts(category=new_category, references=references)
    candidate = _facts("old", category=old_category, references=references)

    assert _decide(new, candidate)[0] is Decision.DUPLICATE


def test_the_same_matter_in_other_words_is_related() -> None:
    new = _facts(
        subject="Remboursement",
        text="Suite à la résiliation de mon contrat, le remboursement n'est pas arrivé.",
    )
    candidate = _facts("old", sent_time=MONDAY - timedelta(days=20))

    outcome = decide(new, [candidate], Weights(), Thresholds())

    assert Thresholds().related <= outcome.score < Thresholds().duplicate
    assert outcome.decision is Decision.RELATED


def test_a_shared_reference_alone_makes_related() -> None:
    references = frozenset({"SIN202600042"})
    new = _facts(text=UNRELATED, subject="", category="claim", references=references)
    candidate = _facts(
        "old", category="billing", references=references, sent_time=MONDAY - timedelta(days=59)
    )

    outcome = decide(new, [candidate], Weights(), Thresholds())

    assert outcome.score < Thresholds().related
    assert outcome.decision is Decision.RELATED
    assert "shared SIN202600042" in outcome.explanation


def test_an_unrelated_request_of_the_same_party_opens_a_case() -> None:
    new = _facts(text=UNRELATED, subject="Compteur", category="metering")
    candidate = _facts("old", sent_time=MONDAY - timedelta(days=40))

    outcome = decide(new, [candidate], Weights(), Thresholds())

    assert outcome.decision is Decision.NEW
    assert outcome.matched is None
    assert outcome.explanation == (
        f"new case: closest open request old scored {outcome.score:.2f}, below 0.35"
    )


def test_thresholds_are_the_callers() -> None:
    new = _facts(text=UNRELATED, subject="Compteur", category="metering")
    candidate = _facts("old", sent_time=MONDAY - timedelta(days=40))

    outcome = decide(new, [candidate], Weights(), Thresholds(duplicate=0.9, related=0.01))

    assert outcome.decision is Decision.RELATED


def test_the_best_eligible_candidate_is_chosen() -> None:
    closer = _facts("b-close", sent_time=MONDAY - timedelta(days=1))
    older = _facts("a-old", sent_time=MONDAY - timedelta(days=30))
    stranger = _facts("c-stranger", party_id="marie")

    assert _decide(_facts(), older, stranger, closer)[:2] == (Decision.DUPLICATE, "b-close")


def test_equal_scores_are_broken_by_request_id() -> None:
    assert _decide(_facts(), _facts("r-2"), _facts("r-1"))[1] == "r-1"


def _contradicting_and_agreeing() -> tuple[RequestFacts, RequestFacts, RequestFacts]:
    """A new request, a close candidate of another category, a looser one of the same."""
    references = frozenset({"CTR20240871"})
    new = _facts(references=references)
    contradicting = _facts("a-other-category", category="complaint", references=references)
    agreeing = _facts(
        "b-duplicate",
        subject="Contrat",
        text="Contrat habitation : merci d'arrêter les prélèvements.",
        references=references,
    )
    return new, contradicting, agreeing


def test_a_candidate_of_another_category_can_outscore_a_duplicate() -> None:
    new, contradicting, agreeing = _contradicting_and_agreeing()
    window = Thresholds().window

    higher = score(new, contradicting, Weights(), window).score
    lower = score(new, agreeing, Weights(), window).score

    assert higher > lower >= Thresholds().duplicate


def test_a_duplicate_is_found_behind_a_candidate_of_another_category() -> None:
    new, contradicting, agreeing = _contradicting_and_agreeing()

    outcome = decide(new, [contradicting, agreeing], Weights(), Thresholds())

    assert (outcome.decision, outcome.matched) == (Decision.DUPLICATE, agreeing)


def test_the_explanation_names_every_signal() -> None:
    digest = "ef" * 32
    new = _facts(
        references=frozenset({"CTR20240871"}),
        attachment_sha256s=frozenset({digest}),
        sent_time=MONDAY + timedelta(days=3),
    )
    candidate = _facts(
        "old",
        channel="mail",
        references=frozenset({"CTR20240871"}),
        attachment_sha256s=frozenset({digest}),
    )

    outcome = decide(new, [candidate], Weights(), Thresholds())

    assert outcome.explanation == (
        f"duplicate of old (case case-old), score {outcome.score:.2f}: content similarity 1.00; "
        f"shared CTR20240871, attachment {digest[:12]}; same category termination; "
        "its mail of 2026-03-02, 3 days apart"
    )


def test_the_explanation_of_a_candidate_without_channel() -> None:
    outcome = decide(_facts(), [_facts("old", channel="")], Weights(), Thresholds())

    assert "its request of 2026-03-02, 0 days apart" in outcome.explanation
