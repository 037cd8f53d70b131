"""Text to sparse features that work for French and English alike, with no language resources.

Two hashed blocks, word 1-2-grams and character 2-5-grams (within word boundaries, which absorbs
inflection and typos), accents stripped and lower-cased. Hashing needs no vocabulary, so fitting
only learns which columns occur in at least ``MIN_DOCUMENT_FREQUENCY`` training texts (the others
carry no learnable signal, and dropping them keeps the linear weights small) and their inverse
document frequencies. Each block is weighted by sublinear TF-IDF and L2-normalised on its own, so
the many character n-grams do not drown the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

HASH_FEATURES = 2**18
WORD_NGRAM_RANGE = (1, 2)
CHAR_NGRAM_RANGE = (2, 5)
MIN_DOCUMENT_FREQUENCY = 2
FEATURE_DTYPE = np.float32


@dataclass(frozen=True)
class _HashedBlock:
    """One hashed n-gram block, restricted to the columns seen in training, with their IDF."""

    vectorizer: HashingVectorizer
    column_of_hash: NDArray[np.int32]  # hashed column → kept column, -1 when dropped
    idf: NDArray[np.float32]

    @classmethod
    def fit(cls, vectorizer: HashingVectorizer, texts: Sequence[str]) -> _HashedBlock:
        counts = vectorizer.transform(texts).tocsc()
        document_frequency = np.diff(counts.indptr)
        kept = np.flatnonzero(document_frequency >= MIN_DOCUMENT_FREQUENCY)
        column_of_hash = np.full(HASH_FEATURES, -1, dtype=np.int32)
        column_of_hash[kept] = np.arange(kept.size, dtype=np.int32)
        # Smoothed IDF, as if one extra document held every term: never zero, never infinite.
        idf = np.log((1 + len(texts)) / (1 + document_frequency[kept])) + 1
        return cls(vectorizer, column_of_hash, idf.astype(FEATURE_DTYPE))

    @property
    def width(self) -> int:
        return int(self.idf.size)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self.vectorizer.transform(texts)
        columns = self.column_of_hash[counts.indices]
        kept = columns >= 0
        rows = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))[kept]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        columns = columns[kept]
        weights = (1 + np.log(counts.data[kept])) * self.idf[columns]
        matrix = sp.csr_matrix((weights, columns, indptr), shape=(len(texts), self.width))
        normalised: sp.csr_matrix = normalize(matrix, norm="l2", copy=False)
        return normalised


@dataclass(frozen=True)
class TextFeaturizer:
    """Turns texts into L2-normalised sparse TF-IDF rows of hashed word and character n-grams."""

    words: _HashedBlock
    characters: _HashedBlock

    @classmethod
    def fit(cls, texts: Sequence[str]) -> TextFeaturizer:
        """Learn the kept columns and their IDF from training texts."""
        return cls(
            words=_HashedBlock.fit(_vectorizer("word", WORD_NGRAM_RANGE), texts),
            characters=_HashedBlock.fit(_vectorizer("char_wb", CHAR_NGRAM_RANGE), texts),
        )

    @property
    def width(self) -> int:
        """The number of feature columns."""
        return self.words.width + self.characters.width

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One float32 CSR row per text, ``width`` columns; an empty text gives an empty row."""
        blocks = [self.words.transform(texts), self.characters.transform(texts)]
        stacked: sp.csr_matrix = sp.hstack(blocks, format="csr", dtype=FEATURE_DTYPE)
        return stacked

    def config(self) -> dict[str, Any]:
        """The settings and fitted sizes, for the model's metadata."""
        return {
            "hash_features": HASH_FEATURES,
            "word_ngram_range": list(WORD_NGRAM_RANGE),
            "char_ngram_range": list(CHAR_NGRAM_RANGE),
            "min_document_frequency": MIN_DOCUMENT_FREQUENCY,
            "weighting": "sublinear tf-idf, l2 per block",
            "word_columns": self.words.width,
            "char_columns": self.characters.width,
        }


def _vectorizer(analyzer: str, ngram_range: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        n_features=HASH_FEATURES,
        alternate_sign=False,
        norm=None,
        strip_accents="unicode",
        lowercase=True,
        dtype=np.float64,
    )
