"""Temperature scaling: one number that makes the booster's softmax say how often it is right.

A booster trained until its own validation loss stops improving is still over-confident on
requests unlike its training set, the more so the smaller the set. Dividing its raw scores by a
temperature fitted on evaluation predictions (out of fold, or held out) corrects that without
changing which category ranks first, nor the order of the requests by confidence.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

# Bounds of the fitted temperature: beyond them the scores say nothing or everything.
MIN_TEMPERATURE = 0.05
MAX_TEMPERATURE = 20.0


def softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    """Row-wise probabilities of raw ``scores`` divided by ``temperature``."""
    probabilities: NDArray[np.float64] = np.exp(log_softmax(scores / temperature, axis=1))
    return probabilities


def fit_temperature(scores: NDArray[np.float64], truth: NDArray[np.intp]) -> float:
    """The temperature that minimises the log-loss of ``softmax(scores, t)`` against ``truth``.

    ``scores`` holds one row of raw category scores per evaluation example, ``truth`` each
    example's category index. Searched between ``MIN_TEMPERATURE`` and ``MAX_TEMPERATURE``.
    """
    if scores.shape[0] != truth.size or truth.size == 0:
        raise ValueError("fitting a temperature needs one true category per row of scores")
    rows = np.arange(truth.size)

    def log_loss(log_temperature: float) -> float:
        log_probabilities = log_softmax(scores / np.exp(log_temperature), axis=1)
        return float(-log_probabilities[rows, truth].mean())

    best = minimize_scalar(
        log_loss,
        bounds=(np.log(MIN_TEMPERATURE), np.log(MAX_TEMPERATURE)),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(np.exp(best.x))
