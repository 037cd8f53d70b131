from __future__ import annotations

import numpy as np
import pytest

from classify_svc.evaluation import measure

TRUTH = np.array([0, 0, 1, 1, 2, 2])
PROBABILITIES = np.array(
    [
        [0.95, 0.03, 0.02],
        [0.55, 0.40, 0.05],
        [0.10, 0.85, 0.05],
        [0.60, 0.35, 0.05],  # wrong: predicted 0
        [0.05, 0.05, 0.90],
        [0.15, 0.05, 0.80],
    ]
)


def test_metrics_of_known_predictions() -> None:
    metrics = measure(
        TRUTH, PROBABILITIES, ("a", "b", "c"), method="holdout", abstention_threshold=0.7
    )
    assert metrics.accuracy == pytest.approx(5 / 6)
    assert metrics.evaluation_count == 6
    assert metrics.evaluation_method == "holdout"
    assert metrics.labels == ["a", "b", "c"]
    assert metrics.confusion == [[2, 0, 0], [1, 1, 0], [0, 0, 2]]
    assert metrics.per_class["a"] == pytest.approx((2 / 3, 1.0, 0.8))
    assert metrics.per_class["b"] == pytest.approx((1.0, 0.5, 2 / 3))
    assert metrics.per_class["c"] == pytest.approx((1.0, 1.0, 1.0))
    assert metrics.macro_f1 == pytest.approx((0.8 + 2 / 3 + 1) / 3)
    assert metrics.abstention_rate == pytest.approx(2 / 6)
    assert metrics.accepted_accuracy == 1.0


def test_calibration_error_of_over_confident_predictions() -> None:
    truth = np.array([0, 1, 0, 1])
    probabilities = np.array([[0.95, 0.05]] * 4)  # 95% sure, right half of the time
    metrics = measure(truth, probabilities, ("a", "b"), method="m", abstention_threshold=0.0)
    assert metrics.expected_calibration_error == pytest.approx(0.45)


def test_a_category_never_predicted_has_zero_precision_without_warning() -> None:
    truth = np.array([0, 1])
    probabilities = np.array([[0.9, 0.1], [0.8, 0.2]])
    metrics = measure(truth, probabilities, ("a", "b"), method="m", abstention_threshold=0.0)
    assert metrics.per_class["b"] == (0.0, 0.0, 0.0)
