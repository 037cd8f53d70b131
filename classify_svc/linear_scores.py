"""Linear category scores: the first stage of the classifier, one score per category.

Two linear models feed the gradient-boosted stage. A one-vs-rest linear SVM (liblinear) reads
the sparse hashed TF-IDF text features: the strongest cheap model on them (trained by SGD
instead, it scored a point lower once stacked, banking77). A multinomial logistic regression
(lbfgs) reads the dense sentence embeddings: as accurate there as an SVM and five times faster
to fit, with no global random state. For the training set, scores are computed out of fold, so
the boosted stage learns from scores as noisy as the ones it will see on new requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from classify_svc.folds import Fold

Features: TypeAlias = "sp.csr_matrix | NDArray[np.float32]"
ScorerFit: TypeAlias = Callable[[Features, NDArray[np.intp], int], "LinearScorer"]

SVM_REGULARISATION_C = 0.5
SVM_MAX_ITERATIONS = 5000
LOGISTIC_REGULARISATION_C = 10.0
LOGISTIC_MAX_ITERATIONS = 1000
# The score a linear model gives a category it never saw: a sure "not this one".
ABSENT_CATEGORY_SCORE = -1.0
# liblinear's random generator is process-wide: fits running at the same time would draw from it
# in turn, and their results would depend on thread timing. One fit at a time keeps training
# reproducible; callers overlap the other stages (embeddings, lbfgs, LightGBM) with it instead.
_ONE_LIBLINEAR_FIT = threading.Lock()


@dataclass(frozen=True)
class LinearScorer:
    """Decision scores of a linear model, one per category.

    ``weights`` is (features × categories), C-contiguous and float32 like the features, so that
    the score of a sparse row is a product reading only the rows of its non-zero features, with
    no conversion or copy of the weights.
    """

    weights: NDArray[np.float32]
    intercepts: NDArray[np.float32]

    def scores(self, features: Features) -> NDArray[np.float32]:
        """One row of category scores per feature row (sparse or dense)."""
        product: NDArray[np.float32] = np.asarray(features @ self.weights)
        return product + self.intercepts


def fit_svm_scorer(
    features: Features, labels: NDArray[np.intp], category_count: int, *, seed: int
) -> LinearScorer:
    """Fit one-vs-rest linear SVMs; categories absent from ``labels`` always score as absent."""
    present = np.unique(labels)
    if present.size == 1:
        return _single_category_scorer(features.shape[1], category_count, present[0])
    model = LinearSVC(C=SVM_REGULARISATION_C, max_iter=SVM_MAX_ITERATIONS, random_state=seed)
    with _ONE_LIBLINEAR_FIT:
        model.fit(features, labels)
    return _scorer(model.coef_, model.intercept_, present, category_count)


def fit_logistic_scorer(
    features: Features, labels: NDArray[np.intp], category_count: int
) -> LinearScorer:
    """Fit a multinomial logistic regression; its scores are the logits (absent: as absent)."""
    present = np.unique(labels)
    if present.size == 1:
        return _single_category_scorer(features.shape[1], category_count, present[0])
    model = LogisticRegression(C=LOGISTIC_REGULARISATION_C, max_iter=LOGISTIC_MAX_ITERATIONS)
    model.fit(features, labels)
    return _scorer(model.coef_, model.intercept_, present, category_count)


def out_of_fold_scores(
    fit: ScorerFit,
    features: Features,
    labels: NDArray[np.intp],
    category_count: int,
    folds: list[Fold],
) -> NDArray[np.float32]:
    """Scores of every example by a scorer ``fit`` on the folds that do not hold it."""
    scores = np.empty((features.shape[0], category_count), dtype=np.float32)
    for training, held_out in folds:
        scorer = fit(features[training], labels[training], category_count)
        scores[held_out] = scorer.scores(features[held_out])
    return scores


def _single_category_scorer(width: int, category_count: int, present: int) -> LinearScorer:
    intercepts = np.full(category_count, ABSENT_CATEGORY_SCORE, dtype=np.float32)
    intercepts[present] = -ABSENT_CATEGORY_SCORE
    return LinearScorer(np.zeros((width, category_count), dtype=np.float32), intercepts)


def _scorer(
    coefficients: NDArray[np.float64],
    biases: NDArray[np.float64],
    present: NDArray[np.intp],
    category_count: int,
) -> LinearScorer:
    columns = coefficients.T.astype(np.float32)
    offsets = biases.astype(np.float32)
    if present.size == 2:
        # A binary linear model has one decision function, positive for the second class.
        columns = np.hstack([-columns, columns])
        offsets = np.concatenate([-offsets, offsets])
    weights = np.zeros((columns.shape[0], category_count), dtype=np.float32)
    intercepts = np.full(category_count, ABSENT_CATEGORY_SCORE, dtype=np.float32)
    weights[:, present] = columns
    intercepts[present] = offsets
    return LinearScorer(np.ascontiguousarray(weights), intercepts)
