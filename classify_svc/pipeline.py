"""The fitted classifier: text features → linear scores, plus metadata → LightGBM probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import lightgbm
import numpy as np
from numpy.typing import NDArray

from classify_svc.boosted_stage import BOOSTER_THREADS, fit_booster
from classify_svc.examples import Example
from classify_svc.folds import stratified_folds
from classify_svc.linear_scores import (
    REGULARISATION_C,
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

    def probabilities(self, examples: Sequence[Example]) -> NDArray[np.float64]:
        """One row of category probabilities (summing to 1) per example, on one thread."""
        scores = self.scorer.scores(self.text.transform([e.content for e in examples]))
        inputs = np.hstack([scores, self.metadata.transform(examples)])
        predicted = self.booster.predict(inputs, num_threads=BOOSTER_THREADS)
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
    refitted on all the examples meanwhile, on a second thread when ``num_threads`` allows.
    """
    # Kept columns and IDF come from all the examples, held-out folds included: they use no
    # label, so the out-of-fold scores stay honest about the categories.
    text = TextFeaturizer.fit([example.content for example in examples])
    features = text.transform([example.content for example in examples])
    # Categories smaller than the split count are fine: see ``stratified_folds``.
    split_count = min(MAX_OUT_OF_FOLD_SPLITS, labels.size)
    folds = stratified_folds(labels, split_count, seed)
    scores = out_of_fold_scores(features, labels, category_count, folds, seed=seed)
    metadata = MetadataFeaturizer.fit(examples)
    inputs = np.hstack([scores, metadata.transform(examples)])
    with ThreadPoolExecutor(max_workers=min(num_threads, 2)) as pool:
        boosting = pool.submit(fit_booster, inputs, labels, category_count, seed=seed)
        refitting = pool.submit(fit_linear_scorer, features, labels, category_count, seed)
        booster, booster_config = boosting.result()
        scorer = refitting.result()
    config = {
        "text": text.config(),
        "linear": {
            "model": "linear SVM one-vs-rest (liblinear)",
            "C": REGULARISATION_C,
            "out_of_fold_splits": split_count,
        },
        "metadata": metadata.config(),
        "booster": booster_config,
    }
    return StackedPipeline(text, scorer, metadata, booster, config)
