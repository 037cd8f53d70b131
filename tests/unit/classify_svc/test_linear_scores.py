from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from classify_svc.folds import stratified_folds
from classify_svc.linear_scores import (
    ABSENT_CATEGORY_SCORE,
    fit_linear_scorer,
    out_of_fold_scores,
)

# Feature j is present exactly in the examples of category j: a separable toy problem.
LABELS = np.repeat(np.arange(3), 6)
FEATURES = sp.csr_matrix(np.eye(3, dtype=np.float32)[LABELS])


def test_scores_rank_the_right_category_first() -> None:
    scorer = fit_linear_scorer(FEATURES, LABELS, 3, seed=0)
    assert scorer.weights.flags.c_contiguous
    assert scorer.weights.dtype == np.float32
    assert scorer.scores(FEATURES).argmax(axis=1).tolist() == LABELS.tolist()


def test_two_categories_get_opposite_scores() -> None:
    present = LABELS < 2
    scorer = fit_linear_scorer(FEATURES[present], LABELS[present], 3, seed=0)
    scores = scorer.scores(FEATURES[present])
    np.testing.assert_allclose(scores[:, 0], -scores[:, 1])
    assert (scores[:, 2] == ABSENT_CATEGORY_SCORE).all()
    assert scores.argmax(axis=1).tolist() == LABELS[present].tolist()


def test_a_single_category_scores_as_certain_and_the_others_as_absent() -> None:
    scorer = fit_linear_scorer(FEATURES[:6], LABELS[:6], 3, seed=0)
    np.testing.assert_array_equal(scorer.scores(FEATURES[:2]), [[1, -1, -1], [1, -1, -1]])


def test_out_of_fold_scores_come_from_models_that_did_not_see_the_example() -> None:
    # A feature unique to one example lets an in-sample model recognise that very example.
    unique = sp.csr_matrix(np.eye(LABELS.size, dtype=np.float32))
    features = sp.hstack([FEATURES * 0.1, unique], format="csr")
    folds = stratified_folds(LABELS, 3, seed=0)
    in_sample = fit_linear_scorer(features, LABELS, 3, seed=0).scores(features)
    held_out = out_of_fold_scores(features, LABELS, 3, folds, seed=0)
    margin = np.take_along_axis(in_sample, LABELS[:, None], axis=1)
    held_out_margin = np.take_along_axis(held_out, LABELS[:, None], axis=1)
    assert (held_out_margin < margin).all()
