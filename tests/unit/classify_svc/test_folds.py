from __future__ import annotations

import numpy as np
import pytest

from classify_svc.folds import stratified_folds


def test_every_example_is_held_out_exactly_once_and_labels_are_spread() -> None:
    labels = np.repeat(np.arange(3), [10, 7, 4])
    folds = stratified_folds(labels, 4, seed=0)
    held_out = np.concatenate([part for _, part in folds])
    assert sorted(held_out.tolist()) == list(range(labels.size))
    for training, part in folds:
        assert set(training.tolist()).isdisjoint(part.tolist())
        assert training.size + part.size == labels.size
    per_fold = np.array([np.bincount(labels[part], minlength=3) for _, part in folds])
    assert (per_fold.max(axis=0) - per_fold.min(axis=0) <= 1).all()
    assert {part.size for _, part in folds} <= {5, 6}


def test_a_label_smaller_than_the_fold_count_stays_in_most_training_parts() -> None:
    labels = np.array([0, 0, 0, 0, 0, 1])
    folds = stratified_folds(labels, 3, seed=1)
    assert sum(1 in labels[training] for training, _ in folds) == 2


def test_folds_are_reproducible_from_the_seed() -> None:
    labels = np.repeat(np.arange(2), 10)
    first = [part.tolist() for _, part in stratified_folds(labels, 5, seed=3)]
    again = [part.tolist() for _, part in stratified_folds(labels, 5, seed=3)]
    other = [part.tolist() for _, part in stratified_folds(labels, 5, seed=4)]
    assert first == again
    assert first != other


@pytest.mark.parametrize("count", [1, 7])
def test_impossible_fold_counts_are_refused(count: int) -> None:
    with pytest.raises(ValueError, match="folds"):
        stratified_folds(np.zeros(6, dtype=np.intp), count, seed=0)
