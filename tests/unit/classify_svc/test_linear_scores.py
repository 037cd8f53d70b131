from __future__ import annotations

import functools

import numpy as np
import pytest
import scipy.sparse as sp

from classify_svc.folds import stratified_folds
from classify_svc.linear_scores import (
    ABSENT_CATEGORY_SCORE,
    ScorerFit,
    fit_logistic_scorer,
    fit_svm_scorer,
    out_of_fold_scores,
)

# Feature j is present exactly in the examples of category j: a separable toy problem.
LABELS = np.repeat(np.arange(3), 6)
FEATURES = sp.csr_matrix(np.eye(3, dtype=np.float32)[LABELS])


FITS = {
    "svm": functools.partial(fit_svm_scorer, seed=0),
    "logistic": fit_logistic_scorer,
}


@pytest.mark.parametrize("fit", FITS.values(), ids=FITS.keys())
def test_scores_rank_the_right_category_first(fit: ScorerFit) -> None:
    scorer = fit(FEATURES, LABELS, 3)
    assert scorer.weights.flags.c_contiguous
    assert scorer.weights.dtype == np.float32
    assert scorer.scores(FEATURES).argmax(axis=1).tolist() == LABELS.tolist()


@pytest.mark.parametrize("fit", FITS.values(), ids=FITS.keys())
def test_dense_features_score_like_sparse_ones(fit: ScorerFit) -> None:
    dense = FEATURES.toarray()
    scorer = fit(dense, LABELS, 3)
    np.testing.assert_allclose(scorer.scores(dense), scorer.scores(FEATURES), rtol=1e-6)
    assert scorer.scores(dense).argmax(axis=1).tolist() == LABELS.tolist()


@pytest.mark.parametrize("fit", FITS.values(), ids=FITS.keys())
def test_two_categories_get_opposite_scores(fit: ScorerFit) -> None:
    present = LABELS < 2
    scorer = fit(FEATURES[present], LABELS[present], 3)
    scores = scorer.scores(FEATURES[present])
    np.testing.assert_allclose(scores[:, 0], -scores[:, 1])
    assert (scores[:, 2] == ABSENT_CATEGORY_SCORE).all()
    assert scores.argmax(axis=1).tolist() == LABELS[present].tolist()


@pytest.mark.parametrize("fit", FITS.values(), ids=FITS.keys())
def test_a_single_category_scores_as_certain_and_the_others_as_absent(fit: ScorerFit) -> None:
    scorer = fit(FEATURES[:6], LABELS[:6], 3)
    np.testing.assert_array_equal(scorer.scores(FEATURES[:2]), [[1, -1, -1], [1, -1, -1]])


@pytest.mark.parametrize("fit", FITS.values(), ids=FITS.keys())
def test_out_of_fold_scores_come_from_models_that_did_not_see_the_example(fit: ScorerFit) -> None:
    # A feature unique to one example lets an in-sample model recognise that very example.
    unique = sp.csr_matrix(np.eye(LABELS.size, dtype=np.float32))
    features = sp.hstack([FEATURES * 0.1, unique], format="csr")
    folds = stratified_folds(LABELS, 3, seed=0)
    in_sample = fit(features, LABELS, 3).scores(features)
    held_out = out_of_fold_scores(fit, features, LABELS, 3, folds)
    margin = np.take_along_axis(in_sample, LABELS[:, None], axis=1)
    held_out_margin = np.take_along_axis(held_out, LABELS[:, None], axis=1)
    assert (held_out_margin < margin).all()
