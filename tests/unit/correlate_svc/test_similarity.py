"""Folding, term vectors and cosine similarity."""

from __future__ import annotations

import math

import pytest

from correlate_svc.similarity import cosine, fold, term_vector


def test_fold_lowers_case_and_removes_accents() -> None:
    assert fold("Résiliation ÉLECTRICITÉ çà où Noël") == "resiliation electricite ca ou noel"
    assert fold("ﬁchier") == "fichier"


def test_term_vector_keeps_content_words_only() -> None:
    text = "Bonjour Madame, je souhaite la résiliation de mon contrat. Cordialement. The end."

    assert set(term_vector(text)) == {"souhaite", "resiliation", "contrat", "end"}


def test_term_vector_drops_single_characters_and_keeps_numbers() -> None:
    assert set(term_vector("a b c 42 7 x1")) == {"42", "x1"}


def test_term_frequencies_are_log_scaled() -> None:
    vector = term_vector("facture Facture FACTURÉ factures compteur")

    assert vector["facture"] == pytest.approx(1 + math.log(3))
    assert vector["factures"] == 1.0
    assert vector["compteur"] == 1.0


def test_a_text_of_function_words_has_no_terms() -> None:
    assert term_vector("Bonjour, je vous prie de bien vouloir, merci") == {
        "prie": 1.0,
        "vouloir": 1.0,
    }
    assert term_vector("Le la les de du et ou") == {}
    assert term_vector("") == {}


def test_identical_texts_are_fully_similar() -> None:
    vector = term_vector("Résiliation du contrat habitation au 31 décembre")

    assert cosine(vector, vector) == pytest.approx(1.0)


def test_case_and_accents_do_not_matter() -> None:
    a = term_vector("Réclamation facture électricité")
    b = term_vector("RECLAMATION FACTURE ELECTRICITE")

    assert cosine(a, b) == pytest.approx(1.0)


def test_texts_without_common_words_are_not_similar() -> None:
    assert cosine(term_vector("facture électricité"), term_vector("sinistre dégât eaux")) == 0.0


def test_an_empty_vector_is_not_similar_to_anything() -> None:
    assert cosine({}, term_vector("facture")) == 0.0
    assert cosine(term_vector("facture"), {}) == 0.0
    assert cosine({}, {}) == 0.0


def test_cosine_is_symmetric_and_partial() -> None:
    a = term_vector("résiliation contrat habitation")
    b = term_vector("résiliation contrat automobile assurance")

    assert cosine(a, b) == pytest.approx(cosine(b, a))
    assert cosine(a, b) == pytest.approx(2 / (math.sqrt(3) * math.sqrt(4)))


def test_cosine_of_zero_weights_is_zero() -> None:
    assert cosine({"a": 0.0}, {"a": 0.0}) == 0.0


def test_cosine_never_exceeds_one() -> None:
    vector = term_vector("facture contrat resiliation")

    assert cosine(vector, vector) <= 1.0
