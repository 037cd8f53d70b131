"""Deciding from candidates' scores: odds shared between exclusive candidates and "nobody"."""

from __future__ import annotations

import pytest

from identity_svc.matching import TOP_CANDIDATES, Decision, Thresholds, decide, rank
from identity_svc.scoring import CandidateScore

PRIOR = -10.0


def _score(party_id: str, weight: float) -> CandidateScore:
    return CandidateScore(party_id, weight, ())


def test_no_candidate_is_unknown() -> None:
    resolution = decide([], PRIOR, Thresholds())

    assert (resolution.decision, resolution.party_id, resolution.confidence) == (
        Decision.UNKNOWN,
        "",
        0.0,
    )


def test_a_strong_candidate_is_identified() -> None:
    resolution = decide([_score("jean", 30.0), _score("marie", 2.0)], PRIOR, Thresholds())

    assert resolution.decision is Decision.IDENTIFIED
    assert resolution.party_id == "jean"
    assert resolution.confidence == pytest.approx(2**20 / (1 + 2**20 + 2**-8))
    assert [c.party_id for c in resolution.candidates] == ["jean", "marie"]


def test_two_equally_strong_candidates_are_ambiguous() -> None:
    resolution = decide([_score("jean", 30.0), _score("marie", 30.0)], PRIOR, Thresholds())

    assert resolution.decision is Decision.AMBIGUOUS
    assert resolution.party_id == ""
    assert resolution.confidence == pytest.approx(0.5, abs=1e-5)


def test_weak_candidates_are_unknown() -> None:
    resolution = decide([_score("jean", 8.0), _score("marie", 5.0)], PRIOR, Thresholds())

    assert resolution.decision is Decision.UNKNOWN
    assert resolution.confidence == pytest.approx(2**-2 / (1 + 2**-2 + 2**-5))


@pytest.mark.parametrize(
    ("threshold", "expected"), [(0.9, Decision.IDENTIFIED), (0.99, Decision.UNKNOWN)]
)
def test_the_threshold_decides(threshold: float, expected: Decision) -> None:
    # Odds 2**4 = 16: confidence 16/17 ≈ 0.94.
    resolution = decide([_score("jean", 14.0)], PRIOR, Thresholds(identify=threshold))

    assert resolution.decision is expected


def test_candidates_are_capped_and_ranked() -> None:
    scores = [_score(f"p{i}", float(i)) for i in range(10)]

    resolution = decide(scores, PRIOR, Thresholds())

    assert len(resolution.candidates) == TOP_CANDIDATES
    assert [c.party_id for c in resolution.candidates] == ["p9", "p8", "p7", "p6", "p5"]


def test_huge_weights_do_not_overflow() -> None:
    ranked = rank([_score("a", 5000.0), _score("b", 4990.0)], PRIOR)

    assert ranked[0].confidence == pytest.approx(1.0, abs=1e-3)
    assert 0.0 < ranked[1].confidence < 1e-2
