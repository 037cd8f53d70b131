"""Training a classifier from labelled examples, and what a trained classifier answers."""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classify_svc.abstention import choose_abstention_threshold
from classify_svc.calibration import fit_temperature, softmax
from classify_svc.evaluation import Metrics, measure
from classify_svc.examples import (
    Example,
    check_test_examples,
    examples_sha256,
    training_categories,
)
from classify_svc.folds import Fold, stratified_folds
from classify_svc.novelty import NoveltyGate
from classify_svc.pipeline import StackedPipeline, fit_pipeline
from classify_svc.sentence_embeddings import SentenceEmbedder

MAX_EVALUATION_FOLDS = 5
HOLDOUT_PARTS = 5
TOP_CATEGORY_COUNT = 3


@dataclass(frozen=True)
class Prediction:
    """The category of one request, its probability, and the runners-up.

    ``abstained`` is true when the probability is below the model's threshold, the request is
    ``novel`` (unlike every training example, see ``classify_svc.novelty``) or has no text: the
    category is then only a hint, and the request goes to triage. ``top`` holds up to
    ``TOP_CATEGORY_COUNT`` (category, probability) pairs, most probable first.
    """

    category: str
    probability: float
    abstained: bool
    novel: bool
    top: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TrainedModel:
    """A fitted classifier with what is needed to trust it: evaluation, threshold, provenance.

    ``data_sha256`` identifies the training examples (see ``examples_sha256``); ``version`` is
    ``m-<UTC yyyymmddHHMMSSffffff of created>-<first 8 hex digits of data_sha256>``, so that
    versions sort by creation time, even within one second.
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
    novelty: NoveltyGate

    def predict(self, example: Example) -> Prediction:
        """Classify one request; synchronous and CPU-bound (one thread): tens of milliseconds for
        a short message, mostly its sentence embedding."""
        embeddings = self.pipeline.embedder.embed([example.content])
        probabilities = self.pipeline.probabilities([example], embeddings)[0]
        novel = bool(self.novelty.is_novel(embeddings)[0])
        ranked = np.argsort(-probabilities, kind="stable")[:TOP_CATEGORY_COUNT]
        top = tuple((self.categories[i], float(probabilities[i])) for i in ranked)
        category, probability = top[0]
        abstained = probability < self.abstention_threshold or novel or not example.has_content
        return Prediction(category, probability, abstained, novel, top)


class Evaluation(enum.Enum):
    """How a model is evaluated when no test set is given.

    ``CROSS_VALIDATION`` fits one model per fold besides the final one (up to
    ``MAX_EVALUATION_FOLDS``), ``HOLDOUT`` a single one on a stratified
    ``1 / HOLDOUT_PARTS`` of the examples held out: about three times less work, for large sets
    where one part in five holds enough examples of every category.
    """

    CROSS_VALIDATION = "cross_validation"
    HOLDOUT = "holdout"


def train(
    examples: Sequence[Example],
    *,
    test_examples: Sequence[Example] | None = None,
    evaluation: Evaluation = Evaluation.CROSS_VALIDATION,
    num_threads: int = 1,
    seed: int = 0,
) -> TrainedModel:
    """Train a classifier on ``examples``, evaluate it, and choose its abstention threshold.

    Evaluation is on ``test_examples`` when given, otherwise as ``evaluation`` says, with
    stratified folds. The evaluation predictions calibrate the model (its softmax temperature,
    see ``classify_svc.calibration``), then choose its abstention threshold (see
    ``choose_abstention_threshold``); its novelty gate learns from every example's embedding
    and is left out of the evaluation. The returned model is fitted on all of ``examples``.
    ``num_threads`` bounds the threads used: sentence embeddings are computed in parallel
    batches, and the evaluation fits run in parallel with the final one; the result does not
    depend on it, and is reproducible from ``seed`` (the creation time, hence the version,
    aside).
    Raises ``InvalidExamplesError`` for unusable examples (fewer than 2 categories, a category
    with a single example, an unlabelled or empty example, a test category unknown to training)
    and ``EmbeddingModelError`` when the sentence-embedding model is not installed.
    """
    if num_threads < 1:
        raise ValueError(f"num_threads must be at least 1, got {num_threads}")
    categories = training_categories(examples)
    labels = _label_indices(examples, categories)
    if test_examples is not None:
        check_test_examples(test_examples, categories)
    embedder = SentenceEmbedder.installed()
    embeddings = embedder.embed([example.content for example in examples], num_threads=num_threads)
    fit = functools.partial(
        fit_pipeline, category_count=len(categories), embedder=embedder, seed=seed
    )
    if test_examples is not None:
        pipeline = fit(examples, embeddings, labels, num_threads=num_threads)
        truth = _label_indices(test_examples, categories)
        test_embeddings = embedder.embed(
            [example.content for example in test_examples], num_threads=num_threads
        )
        scores = pipeline.scores(test_examples, test_embeddings)
        method = "test_set"
    else:
        folds, method = _evaluation_folds(labels, evaluation, seed)

        def fit_part(positions: NDArray[np.intp]) -> StackedPipeline:
            part = [examples[i] for i in positions]
            return fit(part, embeddings[positions], labels[positions], num_threads=1)

        # The evaluation fits and the final one run side by side, one thread each: the booster
        # is single-threaded (see BOOSTER_THREADS).
        with ThreadPoolExecutor(max_workers=num_threads) as pool:
            final = pool.submit(fit_part, np.arange(labels.size))
            fold_pipelines = list(pool.map(fit_part, (training for training, _ in folds)))
            pipeline = final.result()
        held_out = np.concatenate([positions for _, positions in folds])
        truth = labels[held_out]
        scores = np.vstack(
            [
                fold_pipeline.scores([examples[i] for i in positions], embeddings[positions])
                for fold_pipeline, (_, positions) in zip(fold_pipelines, folds, strict=True)
            ]
        )
    temperature = fit_temperature(scores, truth)
    pipeline = dataclasses.replace(pipeline, temperature=temperature)
    probabilities = softmax(scores, temperature)
    threshold = choose_abstention_threshold(
        probabilities.max(axis=1), probabilities.argmax(axis=1) == truth
    )
    metrics = measure(
        truth, probabilities, categories, method=method, abstention_threshold=threshold
    )
    novelty = NoveltyGate.fit(embeddings, seed=seed)
    created = datetime.now(UTC)
    data_sha256 = examples_sha256(examples)
    return TrainedModel(
        version=f"m-{created:%Y%m%d%H%M%S%f}-{data_sha256[:8]}",
        categories=categories,
        training_count=len(examples),
        metrics=metrics,
        created=created,
        abstention_threshold=threshold,
        data_sha256=data_sha256,
        feature_config={
            **pipeline.config,
            "temperature": temperature,
            "novelty": novelty.config(),
        },
        pipeline=pipeline,
        novelty=novelty,
    )


def _evaluation_folds(
    labels: NDArray[np.intp], evaluation: Evaluation, seed: int
) -> tuple[list[Fold], str]:
    if evaluation is Evaluation.HOLDOUT:
        # Every category has two examples or more, so the held-out part never takes them all.
        holdout = stratified_folds(labels, HOLDOUT_PARTS, seed)[0]
        return [holdout], f"stratified_{100 // HOLDOUT_PARTS}_percent_holdout"
    # Dealt round-robin per category, a category of two examples or more always keeps one in
    # the training part of every fold.
    fold_count = min(MAX_EVALUATION_FOLDS, labels.size)
    folds = stratified_folds(labels, fold_count, seed)
    return folds, f"stratified_{fold_count}_fold_cross_validation"


def _label_indices(examples: Sequence[Example], categories: Sequence[str]) -> NDArray[np.intp]:
    index_of = {category: index for index, category in enumerate(categories)}
    return np.array([index_of[str(example.category)] for example in examples], dtype=np.intp)
