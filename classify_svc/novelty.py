"""Requests unlike anything the model learnt from: they go to triage whatever the booster says.

A discriminative classifier spreads its whole probability over the categories it knows, and
learns its confidence from in-domain examples only: an off-topic request (spam, a newsletter,
"lorem ipsum") can get a confident category, above all with a small training set. The gate
compares a request's sentence embedding with the training examples' ones: a request whose
nearest training example is less similar than nearly every training example's nearest other
one (``NOVELTY_QUANTILE``) is novel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# The share of training examples that would count as novel themselves, left out of the others.
NOVELTY_QUANTILE = 0.005
# Enough examples to cover the training set's topics; a bound on the model's size (1.5 MB per
# thousand) and on the time of one comparison (about 1 ms per ten thousand).
MAX_EXEMPLARS = 20_000
# Rows of the training set compared with all the others at once, bounding memory.
_BLOCK_ROWS = 1024


@dataclass(frozen=True)
class NoveltyGate:
    """Unit sentence embeddings of training examples and the least similarity to them that a
    request needs to be in the model's domain."""

    exemplars: NDArray[np.float32]
    min_similarity: float

    @classmethod
    def fit(cls, embeddings: NDArray[np.float32], *, seed: int) -> NoveltyGate:
        """Keep up to ``MAX_EXEMPLARS`` of the training embeddings (a seeded random sample) and
        set the least similarity at ``NOVELTY_QUANTILE`` of their nearest-other similarities.

        Fewer than two examples cannot be compared: nothing is novel then.
        """
        if embeddings.shape[0] > MAX_EXEMPLARS:
            chosen = np.random.default_rng(seed).choice(
                embeddings.shape[0], MAX_EXEMPLARS, replace=False
            )
            embeddings = embeddings[np.sort(chosen)]
        exemplars = np.ascontiguousarray(embeddings, dtype=np.float32)
        if exemplars.shape[0] < 2:
            return cls(exemplars, -1.0)
        nearest = np.empty(exemplars.shape[0], dtype=np.float32)
        for start in range(0, exemplars.shape[0], _BLOCK_ROWS):
            similarities = exemplars[start : start + _BLOCK_ROWS] @ exemplars.T
            rows = np.arange(similarities.shape[0])
            # An example is not its own nearest neighbour.
            similarities[rows, start + rows] = -np.inf
            nearest[start : start + _BLOCK_ROWS] = similarities.max(axis=1)
        return cls(exemplars, float(np.quantile(nearest, NOVELTY_QUANTILE)))

    def is_novel(self, embeddings: NDArray[np.float32]) -> NDArray[np.bool_]:
        """For each unit embedding, whether no exemplar is at least ``min_similarity`` to it."""
        nearest: NDArray[np.float32] = (embeddings @ self.exemplars.T).max(axis=1)
        return nearest < self.min_similarity

    def config(self) -> dict[str, float | int]:
        """The gate's size and level, for the model's metadata."""
        return {
            "exemplars": int(self.exemplars.shape[0]),
            "quantile": NOVELTY_QUANTILE,
            "min_similarity": self.min_similarity,
        }
