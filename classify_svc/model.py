"""Training a classifier from labelled examples, and what a trained classifier answers."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classify_svc.abstention import choose_abstention_threshold
from classify_svc.evaluation import Metrics, measure
from classify_svc.examples import (
    Example,
    check_test_examples,
    examples_sha256,
    training_categories,
)
from classify_svc.folds import Fold, stratified_folds
from classify_svc.pipeline import StackedPipeline, fit_pipeline

MAX_EVALUATION_FOLDS = 5
TOP_CATEGORY_COUNT = 3


@dataclass(frozen=True)
class Prediction:
    """The category of one request, its probability, and the runners-up.

    ``abstained`` is true when the probability is below the model's threshold or the request
    has no text: the category is then only a hint, and the request goes to triage. ``top`` holds
    up to ``TOP_CATEGORY_COUNT`` (category, probability) pairs, most probable first.
    """

    category: str
    probability: float
    abstained: bool
    top: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TrainedModel:
    """A fitted classifier with what is needed to trust it: evaluation, threshold, provenance.

    ``data_sha256`` identifies the training examples (see ``examples_sha256``); ``version`` is
    ``m-<UTC yyyymmddHHMMSS of created>-<first 8 hex digits of data_sha256>``.
    """

    version: str
    categories: tuple[str, ...]
    training_count: int
    metrics: Metrics
    created: datetime
    abstention_threshold: float
    data_sha256: str
    feature_config: dict[str, Any]
    pipeline: StackedPipeline

    def predict(self, example: Example) -> Prediction:
        """Classify one request; synchronous and CPU-bound (one thread), a few milliseconds."""
        probabilities = self.pipeline.probabilities([example])[0]
        ranked = np.argsort(-probabilities, kind="stable")[:TOP_CATEGORY_COUNT]
        top = tuple((self.categories[i], float(probabilities[i])) for i in ranked)
        category, probability = top[0]
        abstained = probability < self.abstention_threshold or not example.has_content
        return Prediction(category, probability, abstained, top)


def train(
    examples: Sequence[Example],
    *,
    test_examples: Sequence[Example] | None = None,
    num_threads: int = 1,
    seed: int = 0,
) -> TrainedModel:
    """Train a classifier on ``examples``, evaluate it, and choose its abstention threshold.

    Evaluation is on ``test_examples`` when given, otherwise by stratified cross-validation on
    ``examples`` (up to ``MAX_EVALUATION_FOLDS`` folds, fewer when the smallest category is
    smaller); the threshold is chosen on the evaluation predictions (see
    ``choose_abstention_threshold``). The returned model is fitted on all of ``examples``.
    ``num_threads`` bounds the threads used: cross-validation folds are fitted in parallel, and
    within a fit the booster and the final linear refit; the result does not depend on it, and
    is reproducible from ``seed`` (the creation time, hence the version, aside).
    Raises ``InvalidExamplesError`` for unusable examples (fewer than 2 categories, a category
    with a single example, an unlabelled or empty example, a test category unknown to training).
    """
    if num_threads < 1:
        raise ValueError(f"num_threads must be at least 1, got {num_threads}")
    categories = training_categories(examples)
    labels = _label_indices(examples, categories)
    if test_examples is not None:
        check_test_examples(test_examples, categories)
    pipeline = fit_pipeline(examples, labels, len(categories), num_threads=num_threads, seed=seed)
    if test_examples is not None:
        truth = _label_indices(test_examples, categories)
        probabilities = pipeline.probabilities(test_examples)
        method = "holdout"
    else:
        truth = labels
        probabilities, fold_count = _cross_validated_probabilities(
            examples, labels, len(categories), num_threads=num_threads, seed=seed
        )
        method = f"stratified_{fold_count}_fold_cross_validation"
    threshold = choose_abstention_threshold(
        probabilities.max(axis=1), probabilities.argmax(axis=1) == truth
    )
    metrics = measure(
        truth, probabilities, categories, method=method, abstention_threshold=threshold
    )
    created = datetime.now(UTC)
    data_sha256 = examples_sha256(examples)
    return TrainedModel(
        version=f"m-{created:%Y%m%d%H%M%S}-{data_sha256[:8]}",
        categories=categories,
        training_count=len(examples),
        metrics=metrics,
        created=created,
        abstention_threshold=threshold,
        data_sha256=data_sha256,
        feature_config=pipeline.config,
        pipeline=pipeline,
    )


def _cross_validated_probabilities(
    examples: Sequence[Example],
    labels: NDArray[np.intp],
    category_count: int,
    *,
    num_threads: int,
    seed: int,
) -> tuple[NDArray[np.float64], int]:
    # Folds never exceed the smallest category, so every category is in every training part.
    fold_count = int(min(MAX_EVALUATION_FOLDS, np.bincount(labels).min()))
    folds = stratified_folds(labels, fold_count, seed)

    def held_out_probabilities(fold: Fold) -> NDArray[np.float64]:
        training, held_out = fold
        pipeline = fit_pipeline(
            [examples[i] for i in training],
            labels[training],
            category_count,
            num_threads=1,
            seed=seed,
        )
        return pipeline.probabilities([examples[i] for i in held_out])

    # Whole folds in parallel: the booster stage is single-threaded (see BOOSTER_THREADS).
    probabilities = np.empty((labels.size, category_count), dtype=np.float64)
    with ThreadPoolExecutor(max_workers=num_threads) as pool:
        for (_, held_out), fold_probabilities in zip(
            folds, pool.map(held_out_probabilities, folds), strict=True
        ):
            probabilities[held_out] = fold_probabilities
    return probabilities, fold_count


def _label_indices(examples: Sequence[Example], categories: Sequence[str]) -> NDArray[np.intp]:
    index_of = {category: index for index, category in enumerate(categories)}
    return np.array([index_of[str(example.category)] for example in examples], dtype=np.intp)
