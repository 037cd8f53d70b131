"""One-vs-rest linear scores over the sparse text features: the first stage of the classifier.

A linear SVM (liblinear) is the strongest cheap model on hashed TF-IDF text; trained by SGD
instead, it scored a point lower once stacked (banking77). Its decision scores, one per category,
become dense inputs of the gradient-boosted stage; for the training set they are computed out of
fold, so the boosted stage learns from scores as noisy as the ones it will see on new requests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.svm import LinearSVC

from classify_svc.folds import Fold

REGULARISATION_C = 0.5
MAX_ITERATIONS = 5000
# The score a one-vs-rest margin classifier gives a category it never saw: a sure "not this one".
ABSENT_CATEGORY_SCORE = -1.0
# liblinear's random generator is process-wide: fits running at the same time would draw from it
# in turn, and their results would depend on thread timing. One fit at a time keeps training
# reproducible; callers overlap the other stages (hashing, LightGBM) with it instead.
_ONE_LIBLINEAR_FIT = threading.Lock()


@dataclass(frozen=True)
class LinearScorer:
    """Decision scores of one linear model per category.

    ``weights`` is (features × categories), C-contiguous and of the features' dtype, so that the
    score of a sparse row is a product reading only the rows of its non-zero features, with no
    conversion or copy of the weights.
    """

    weights: NDArray[np.float32]
    intercepts: NDArray[np.float32]

    def scores(self, features: sp.csr_matrix) -> NDArray[np.float32]:
        """One row of category scores per feature row."""
        product: NDArray[np.float32] = np.asarray(features @ self.weights)
        return product + self.intercepts


def fit_linear_scorer(
    features: sp.csr_matrix, labels: NDArray[np.intp], category_count: int, seed: int
) -> LinearScorer:
    """Fit one-vs-rest linear SVMs; categories absent from ``labels`` always score as absent."""
    width = features.shape[1]
    weights = np.zeros((width, category_count), dtype=np.float32)
    intercepts = np.full(category_count, ABSENT_CATEGORY_SCORE, dtype=np.float32)
    present = np.unique(labels)
    if present.size == 1:
        intercepts[present[0]] = -ABSENT_CATEGORY_SCORE
        return LinearScorer(weights, intercepts)
    model = LinearSVC(C=REGULARISATION_C, max_iter=MAX_ITERATIONS, random_state=seed)
    with _ONE_LIBLINEAR_FIT:
        model.fit(features, labels)
    coefficients = model.coef_.T.astype(np.float32)
    biases = model.intercept_.astype(np.float32)
    if present.size == 2:
        # A binary SVM has one decision function, positive for the second class.
        coefficients = np.hstack([-coefficients, coefficients])
        biases = np.concatenate([-biases, biases])
    weights[:, present] = coefficients
    intercepts[present] = biases
    return LinearScorer(np.ascontiguousarray(weights), intercepts)


def out_of_fold_scores(
    features: sp.csr_matrix,
    labels: NDArray[np.intp],
    category_count: int,
    folds: list[Fold],
    *,
    seed: int,
) -> NDArray[np.float32]:
    """Scores of every example by a scorer fitted on the folds that do not hold it."""
    scores = np.empty((features.shape[0], category_count), dtype=np.float32)
    for training, held_out in folds:
        scorer = fit_linear_scorer(features[training], labels[training], category_count, seed)
        scores[held_out] = scorer.scores(features[held_out])
    return scores
