from __future__ import annotations

import numpy as np

from classify_svc.text_features import TextFeaturizer

TEXTS = [
    "Je souhaite résilier mon contrat",
    "Merci de résilier mon contrat auto",
    "Please cancel my contract",
    "Cancel my contract please",
]


def test_rows_are_normalised_per_block() -> None:
    featurizer = TextFeaturizer.fit(TEXTS)
    rows = featurizer.transform(TEXTS)
    assert rows.shape == (4, featurizer.width)
    assert rows.dtype == np.float32
    words = rows[:, : featurizer.words.width].toarray()
    characters = rows[:, featurizer.words.width :].toarray()
    np.testing.assert_allclose(np.linalg.norm(words, axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(characters, axis=1), 1, rtol=1e-5)


def test_case_and_accents_do_not_matter() -> None:
    featurizer = TextFeaturizer.fit(TEXTS)
    plain = featurizer.transform(["RESILIER MON CONTRAT"]).toarray()
    accented = featurizer.transform(["résilier mon contrat"]).toarray()
    np.testing.assert_array_equal(plain, accented)
    assert plain.any()


def test_ngrams_seen_in_a_single_training_text_are_dropped() -> None:
    featurizer = TextFeaturizer.fit(TEXTS)
    words = featurizer.words.width
    assert featurizer.transform(["Je souhaite"])[:, :words].nnz == 0
    assert featurizer.transform(["mon contrat"])[:, :words].nnz == 3
    assert featurizer.transform(["zyx wvu"]).nnz == 0
    assert featurizer.transform([""]).nnz == 0


def test_fit_records_its_sizes() -> None:
    config = TextFeaturizer.fit(TEXTS).config()
    assert config["word_ngram_range"] == [1, 2]
    assert config["char_ngram_range"] == [2, 5]
    assert 0 < config["word_columns"] < config["char_columns"]
