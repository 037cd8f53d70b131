"""How well a model classifies held-out examples, in figures an operator can compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Metrics:
    """Evaluation figures of a model.

    ``per_class`` maps each category to (precision, recall, F1); ``confusion[i][j]`` counts
    examples of ``labels[i]`` predicted as ``labels[j]``. ``expected_calibration_error`` is the
    mean gap between top probability and accuracy over ``CALIBRATION_BINS`` probability bins,
    weighted by their share of the examples (0 is perfectly calibrated). ``abstention_rate`` and
    ``accepted_accuracy`` describe the predictions at the model's abstention threshold.
    """

    accuracy: float
    macro_f1: float
    evaluation_count: int
    evaluation_method: str
    per_class: dict[str, tuple[float, float, float]]
    confusion: list[list[int]]
    labels: list[str]
    expected_calibration_error: float
    abstention_rate: float
    accepted_accuracy: float


def measure(
    truth: NDArray[np.intp],
    probabilities: NDArray[np.float64],
    categories: Sequence[str],
    *,
    method: str,
    abstention_threshold: float,
) -> Metrics:
    """Metrics of predicted ``probabilities`` (one row per example) against ``truth`` indices."""
    predicted = probabilities.argmax(axis=1)
    confidences = probabilities.max(axis=1)
    correct = predicted == truth
    indices = list(range(len(categories)))
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, labels=indices, zero_division=0.0
    )
    accepted = confidences >= abstention_threshold
    return Metrics(
        accuracy=float(correct.mean()),
        macro_f1=float(np.mean(f1)),
        evaluation_count=int(truth.size),
        evaluation_method=method,
        per_class={
            category: (float(precision[i]), float(recall[i]), float(f1[i]))
            for i, category in enumerate(categories)
        },
        confusion=confusion_matrix(truth, predicted, labels=indices).tolist(),
        labels=list(categories),
        expected_calibration_error=_expected_calibration_error(confidences, correct),
        abstention_rate=float(1 - accepted.mean()),
        accepted_accuracy=float(correct[accepted].mean()) if accepted.any() else 0.0,
    )


def _expected_calibration_error(
    confidences: NDArray[np.float64], correct: NDArray[np.bool_]
) -> float:
    bins = np.minimum((confidences * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error = 0.0
    for members in (bins == b for b in range(CALIBRATION_BINS)):
        if members.any():
            gap = abs(confidences[members].mean() - correct[members].mean())
            error += members.mean() * gap
    return float(error)
