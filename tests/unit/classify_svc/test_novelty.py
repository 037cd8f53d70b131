from __future__ import annotations

import numpy as np

from classify_svc.novelty import NOVELTY_QUANTILE, NoveltyGate


def _unit(vectors: np.ndarray) -> np.ndarray:
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit.astype(np.float32)


def _clusters(count: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around the first two axes of an eight-dimensional space."""
    random = np.random.default_rng(seed)
    centres = np.eye(8)[np.arange(count) % 2]
    return _unit(centres + 0.1 * random.normal(size=(count, 8)))


def test_a_request_far_from_every_example_is_novel() -> None:
    gate = NoveltyGate.fit(_clusters(200), seed=0)
    far, near = _unit(np.eye(8)[[5, 0]] + 0.01)
    assert gate.is_novel(np.stack([far, near])).tolist() == [True, False]


def test_the_level_leaves_the_chosen_share_of_training_examples_out() -> None:
    examples = _clusters(1500)
    gate = NoveltyGate.fit(examples, seed=0)
    similarities = examples @ examples.T
    np.fill_diagonal(similarities, -np.inf)
    assert gate.min_similarity == np.quantile(similarities.max(axis=1), NOVELTY_QUANTILE)
    assert gate.is_novel(_clusters(1500, seed=1)).mean() < 0.02


def test_a_single_example_makes_nothing_novel() -> None:
    gate = NoveltyGate.fit(_clusters(1), seed=0)
    assert not gate.is_novel(_unit(np.eye(8)[[5]])).any()
    assert gate.config() == {"exemplars": 1, "quantile": NOVELTY_QUANTILE, "min_similarity": -1.0}
