"""Stratified fold assignment that also copes with categories smaller than the number of folds."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Fold = tuple[NDArray[np.intp], NDArray[np.intp]]


def stratified_folds(labels: NDArray[np.intp], count: int, seed: int) -> list[Fold]:
    """Split example positions into ``count`` (train, held-out) pairs, each label spread evenly.

    The examples of each label are shuffled (reproducibly, from ``seed``) and dealt round-robin
    to the folds, continuing where the previous label stopped so that folds have equal sizes.
    A label with fewer examples than ``count`` is simply absent from some held-out parts, where
    scikit-learn's splitter would warn; callers deal with a label missing from a training part.
    Raises ``ValueError`` when ``count`` is below 2 or above the number of examples.
    """
    if not 2 <= count <= labels.size:
        raise ValueError(f"cannot split {labels.size} examples into {count} folds")
    random = np.random.default_rng(seed)
    fold_of = np.empty(labels.size, dtype=np.intp)
    next_fold = 0
    for label in np.unique(labels):
        members = random.permutation(np.flatnonzero(labels == label))
        fold_of[members] = (next_fold + np.arange(members.size)) % count
        next_fold = (next_fold + members.size) % count
    positions = np.arange(labels.size)
    return [(positions[fold_of != fold], positions[fold_of == fold]) for fold in range(count)]
