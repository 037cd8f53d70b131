from __future__ import annotations

import numpy as np
import pytest

from classify_svc.calibration import MAX_TEMPERATURE, fit_temperature, softmax


def _scores(accuracy: float, margin: float, count: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Three-category scores whose top category is right with probability ``accuracy``, always
    ``margin`` ahead of the others."""
    random = np.random.default_rng(0)
    truth = random.integers(0, 3, size=count)
    right = random.random(count) < accuracy
    top = np.where(right, truth, (truth + 1) % 3)
    scores = np.zeros((count, 3))
    scores[np.arange(count), top] = margin
    return scores, truth


def test_over_confident_scores_get_a_temperature_above_one() -> None:
    scores, truth = _scores(accuracy=0.7, margin=8.0)
    temperature = fit_temperature(scores, truth)
    assert temperature > 1
    # A top probability of 0.7 matches the accuracy: margin / t = log(0.7 * 2 / 0.3).
    assert softmax(scores, temperature).max(axis=1).mean() == pytest.approx(0.7, abs=0.02)


def test_under_confident_scores_get_a_temperature_below_one() -> None:
    scores, truth = _scores(accuracy=0.99, margin=0.5)
    assert fit_temperature(scores, truth) < 1


def test_perfect_scores_reach_the_bound_and_keep_the_ranking() -> None:
    scores, truth = _scores(accuracy=1.0, margin=1.0)
    temperature = fit_temperature(scores, truth)
    assert temperature < 0.1
    probabilities = softmax(scores, temperature)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1)
    assert (probabilities.argmax(axis=1) == scores.argmax(axis=1)).all()
    assert fit_temperature(-scores, truth) == pytest.approx(MAX_TEMPERATURE, rel=1e-3)


def test_mismatched_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="one true category per row"):
        fit_temperature(np.zeros((3, 2)), np.zeros(2, dtype=np.intp))
