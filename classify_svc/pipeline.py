"""The fitted classifier: text features → linear scores, plus metadata → LightGBM probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lightgbm
import numpy as np
from numpy.typing import NDArray

from classify_svc.boosted_stage import fit_booster
from classify_svc.examples import Example
from classify_svc.folds import stratified_folds
from classify_svc.linear_scores import (
    REGULARISATION_ALPHA,
    LinearScorer,
    fit_linear_scorer,
    out_of_fold_scores,
)
from classify_svc.metadata_features import MetadataFeaturizer
from classify_svc.text_features import TextFeaturizer

MAX_OUT_OF_FOLD_SPLITS = 5


@dataclass(frozen=True)
class StackedPipeline:
    """Every fitted stage, applied in order; probabilities are per category index."""

    text: TextFeaturizer
    scorer: LinearScorer
    metadata: MetadataFeaturizer
    booster: lightgbm.Booster
    config: dict[str, Any]

    def probabilities(
        self, examples: Sequence[Example], num_threads: int = 1
    ) -> NDArray[np.float64]:
        """One row of category probabilities (summing to 1) per example."""
        scores = self.scorer.scores(self.text.transform([e.content for e in examples]))
        inputs = np.hstack([scores, self.metadata.transform(examples)])
        predicted = self.booster.predict(inputs, num_threads=num_threads)
        return np.asarray(predicted, dtype=np.float64)


def fit_pipeline(
    examples: Sequence[Example],
    labels: NDArray[np.intp],
    category_count: int,
    *,
    num_threads: int,
    seed: int,
) -> StackedPipeline:
    """Fit every stage on labelled examples (``labels`` are category indices).

    The booster learns from out-of-fold linear scores; the linear scorer kept for prediction is
    then refitted on all the examples. The out-of-fold linear fits run on ``num_threads``
    threads; the booster on one (see ``BOOSTER_THREADS``).
    """
    # Kept columns and IDF come from all the examples, held-out folds included: they use no
    # label, so the out-of-fold scores stay honest about the categories.
    text = TextFeaturizer.fit([example.content for example in examples])
    features = text.transform([example.content for example in examples])
    # Categories smaller than the split count are fine: see ``stratified_folds``.
    split_count = min(MAX_OUT_OF_FOLD_SPLITS, labels.size)
    folds = stratified_folds(labels, split_count, seed)
    scores = out_of_fold_scores(
        features, labels, category_count, folds, num_threads=num_threads, seed=seed
    )
    metadata = MetadataFeaturizer.fit(examples)
    booster, booster_config = fit_booster(
        np.hstack([scores, metadata.transform(examples)]),
        labels,
        category_count,
        seed=seed,
    )
    config = {
        "text": text.config(),
        "linear": {
            "model": "linear SVM one-vs-rest, SGD (hinge loss)",
            "alpha": REGULARISATION_ALPHA,
            "out_of_fold_splits": split_count,
        },
        "metadata": metadata.config(),
        "booster": booster_config,
    }
    scorer = fit_linear_scorer(features, labels, category_count, seed)
    return StackedPipeline(text, scorer, metadata, booster, config)
