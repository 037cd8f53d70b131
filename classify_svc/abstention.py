"""When the classifier should not answer: the probability below which a request goes to triage."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

TARGET_ACCEPTED_ACCURACY = 0.97
MAX_ABSTENTION_RATE = 0.10


def choose_abstention_threshold(
    confidences: NDArray[np.float64], correct: NDArray[np.bool_]
) -> float:
    """The top-probability threshold to abstain below, chosen on evaluation predictions.

    ``confidences`` are the top probabilities of the evaluation predictions, ``correct`` whether
    each prediction was right. The result is the lowest threshold whose accepted predictions
    (confidence at or above it) are at least ``TARGET_ACCEPTED_ACCURACY`` accurate, provided it
    abstains on at most ``MAX_ABSTENTION_RATE`` of them. When no threshold meets the target within
    that budget, the default is the highest threshold that stays within the budget: abstain on the
    least confident tenth, the most accuracy the budget can buy. Thresholds are evaluation
    confidences themselves, so a request less confident than every evaluation example is
    never accepted blindly.
    """
    if confidences.size == 0 or confidences.shape != correct.shape:
        raise ValueError("the abstention threshold needs one correctness flag per confidence")
    order = np.argsort(-confidences, kind="stable")
    ranked = confidences[order]
    accepted_count = np.arange(1, ranked.size + 1)
    accuracy = np.cumsum(correct[order]) / accepted_count
    abstention = 1 - accepted_count / ranked.size
    # A threshold accepts whole groups of tied confidences: only a group's last member counts.
    group_end = np.append(ranked[:-1] > ranked[1:], True)
    within_budget = group_end & (abstention <= MAX_ABSTENTION_RATE)
    on_target = np.flatnonzero(within_budget & (accuracy >= TARGET_ACCEPTED_ACCURACY))
    if on_target.size:
        return float(ranked[on_target[-1]])
    return float(ranked[np.flatnonzero(within_budget)[0]])
