from __future__ import annotations

import numpy as np
import pytest

from classify_svc.abstention import choose_abstention_threshold


def _choose(confidences: list[float], correct: list[bool]) -> float:
    return choose_abstention_threshold(np.array(confidences), np.array(correct))


def test_accurate_predictions_accept_everything_seen() -> None:
    assert _choose([0.9, 0.6, 0.8], [True, True, True]) == 0.6


def test_lowest_threshold_reaching_the_target_accuracy() -> None:
    confidences = np.linspace(1.0, 0.5, 100)
    correct = np.ones(100, dtype=bool)
    correct[[40, 70, *range(92, 100)]] = False
    threshold = choose_abstention_threshold(confidences, correct)
    # The 92 most confident are 90/92 accurate; the 93 most confident only 90/93.
    assert threshold == confidences[91]


def test_outside_the_budget_abstain_on_the_least_confident_tenth() -> None:
    confidences = np.linspace(1.0, 0.5, 100)
    correct = np.arange(100) % 2 == 0  # 50% accurate at every confidence
    threshold = choose_abstention_threshold(confidences, correct)
    assert threshold == pytest.approx(confidences[89])


def test_tied_confidences_are_accepted_or_refused_together() -> None:
    # Accepting 0.8 accepts both 0.8 predictions, one of them wrong: 31/32 is below target.
    confidences = [0.9] * 30 + [0.8, 0.8, 0.7]
    assert _choose(confidences, [True] * 31 + [False, True]) == 0.9


def test_the_budget_may_force_accepting_everything() -> None:
    assert _choose([0.9] * 10 + [0.4] * 2, [True] * 10 + [False] * 2) == 0.4


def test_mismatched_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="one correctness flag per confidence"):
        _choose([], [])
