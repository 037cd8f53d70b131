from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC
from typing import Any

import numpy as np
import pytest

from classify_svc.examples import Example, InvalidExamplesError, examples_sha256
from classify_svc.model import Evaluation, TrainedModel, train

RequestFactory = Callable[..., Example]
CATEGORIES = ("address_change", "billing", "cancellation", "certificate", "claim")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Je veux résilier mon contrat d'assurance", "cancellation"),
        ("Please cancel my insurance policy", "cancellation"),
        ("Dégât des eaux dans ma salle de bain, je déclare un sinistre", "claim"),
        ("I was charged twice, the invoice is wrong", "billing"),
        ("J'ai déménagé, voici ma nouvelle adresse", "address_change"),
        ("Please send me an insurance certificate", "certificate"),
    ],
)
def test_obvious_requests_get_their_category(
    model: TrainedModel, make_request: RequestFactory, text: str, category: str
) -> None:
    prediction = model.predict(make_request(text))
    assert prediction.category == category
    assert not prediction.abstained
    assert prediction.probability >= model.abstention_threshold


def test_top_categories_are_ranked_probabilities(
    model: TrainedModel, make_request: RequestFactory
) -> None:
    prediction = model.predict(make_request("Merci de résilier", subject="Résiliation"))
    assert prediction.top[0] == (prediction.category, prediction.probability)
    probabilities = [probability for _, probability in prediction.top]
    assert len(prediction.top) == 3
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1 + 1e-9


def test_cross_validated_metrics(model: TrainedModel, examples: list[Example]) -> None:
    metrics = model.metrics
    assert metrics.evaluation_method == "stratified_5_fold_cross_validation"
    assert metrics.evaluation_count == len(examples)
    assert metrics.labels == list(CATEGORIES)
    assert sum(map(sum, metrics.confusion)) == len(examples)
    assert metrics.accuracy >= 0.85
    assert metrics.macro_f1 >= 0.85
    assert set(metrics.per_class) == set(CATEGORIES)
    assert 0 <= metrics.expected_calibration_error <= 0.2
    assert metrics.abstention_rate <= 0.10


def test_provenance(model: TrainedModel, examples: list[Example]) -> None:
    assert model.categories == CATEGORIES
    assert model.training_count == len(examples)
    assert model.data_sha256 == examples_sha256(examples)
    assert model.created.tzinfo is UTC
    assert re.fullmatch(rf"m-\d{{20}}-{model.data_sha256[:8]}", model.version)
    assert model.version[2:16] == model.created.strftime("%Y%m%d%H%M%S")
    assert json.loads(json.dumps(model.feature_config))["text"]["hash_features"] == 2**18


@pytest.mark.parametrize("text", ["Lorem ipsum dolor sit amet", "zzz", "The weather is nice today"])
def test_off_topic_requests_are_novel_and_abstain(
    model: TrainedModel, make_request: RequestFactory, text: str
) -> None:
    # Seventy-five examples teach the booster nothing about off-topic text: its probability
    # can be high, and the novelty gate is what sends such requests to triage.
    lenient = dataclasses.replace(model, abstention_threshold=0.0)
    off_topic = lenient.predict(make_request(text))
    assert off_topic.novel
    assert off_topic.abstained


def test_requests_under_the_threshold_abstain(
    model: TrainedModel, make_request: RequestFactory
) -> None:
    on_topic = model.predict(make_request("Je souhaite résilier mon contrat"))
    assert not on_topic.novel
    assert not on_topic.abstained
    demanding = dataclasses.replace(model, abstention_threshold=on_topic.probability + 1e-6)
    assert demanding.predict(make_request("Je souhaite résilier mon contrat")).abstained


def test_a_request_without_text_abstains(model: TrainedModel, make_request: RequestFactory) -> None:
    assert model.predict(make_request("  ")).abstained


def test_a_batch_has_the_probabilities_of_single_requests(
    model: TrainedModel, make_request: RequestFactory
) -> None:
    requests = [make_request(text) for text in ("Merci de résilier", "new address", "invoice")]
    batch = model.pipeline.probabilities(requests)
    singles = [model.pipeline.probabilities([one])[0] for one in requests]
    np.testing.assert_allclose(batch, singles, rtol=1e-6)


def test_test_set_evaluation(examples: list[Example]) -> None:
    held_out = examples[::5]
    kept = [example for position, example in enumerate(examples) if position % 5]
    model = train(kept, test_examples=held_out)
    assert model.metrics.evaluation_method == "test_set"
    assert model.metrics.evaluation_count == len(held_out)
    assert model.training_count == len(kept)
    assert model.metrics.accuracy >= 0.8


def test_stratified_holdout_evaluation(
    examples: list[Example], make_request: RequestFactory
) -> None:
    model = train(examples, evaluation=Evaluation.HOLDOUT, num_threads=2)
    assert model.metrics.evaluation_method == "stratified_20_percent_holdout"
    # Fifteen examples per category: three of each held out.
    assert model.metrics.evaluation_count == len(examples) // 5
    assert [sum(row) for row in model.metrics.confusion] == [3] * len(CATEGORIES)
    assert model.training_count == len(examples)
    assert model.metrics.accuracy >= 0.8
    assert model.predict(make_request("Je veux résilier mon contrat")).category == "cancellation"


def test_tiny_sets_train_and_evaluate(
    examples: list[Example], make_request: RequestFactory
) -> None:
    three_by_five = [e for c in ("billing", "cancellation", "claim") for e in _of(examples, c)[:5]]
    model = train(three_by_five)
    assert model.metrics.evaluation_method == "stratified_5_fold_cross_validation"
    assert model.metrics.evaluation_count == 15
    prediction = model.predict(make_request("Je souhaite résilier mon contrat"))
    assert prediction.category == "cancellation"
    two_by_two = _of(examples, "billing")[:2] + _of(examples, "cancellation")[:2]
    minimal = train(two_by_two)
    # Dealt round-robin, each category keeps an example in the training part of every fold.
    assert minimal.metrics.evaluation_method == "stratified_4_fold_cross_validation"
    assert minimal.metrics.evaluation_count == 4
    prediction = minimal.predict(make_request("résilier le contrat"))
    assert sorted(category for category, _ in prediction.top) == ["billing", "cancellation"]
    assert 0.5 <= prediction.probability <= 1


def test_training_is_reproducible_and_independent_of_threads(
    examples: list[Example], make_request: RequestFactory
) -> None:
    first = train(examples[::2], seed=3)
    again = train(examples[::2], seed=3, num_threads=2)
    assert first.metrics == again.metrics
    for text in ("Je veux résilier", "invoice", "sinistre voiture", "zzz"):
        assert first.predict(make_request(text)) == again.predict(make_request(text))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "only"}, "at least 2 categories"),
        ({"text": ""}, "empty subject and text"),
        ({"category": None}, "has no category"),
    ],
)
def test_unusable_examples_are_refused(
    examples: list[Example], change: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidExamplesError, match=message):
        train([dataclasses.replace(example, **change) for example in examples])


def test_a_category_with_one_example_is_refused(examples: list[Example]) -> None:
    with pytest.raises(InvalidExamplesError, match="only one for: lonely"):
        train([*examples, dataclasses.replace(examples[0], category="lonely")])


def test_test_examples_with_an_unknown_category_are_refused(examples: list[Example]) -> None:
    unknown = dataclasses.replace(examples[0], category="other")
    with pytest.raises(InvalidExamplesError, match="absent from the training set: other"):
        train(examples, test_examples=[unknown])


def test_thread_count_must_be_positive(examples: list[Example]) -> None:
    with pytest.raises(ValueError, match="num_threads"):
        train(examples, num_threads=0)


def _of(examples: list[Example], category: str) -> list[Example]:
    return [example for example in examples if example.category == category]
