"""Labelled examples: what the model learns from, and the checks a training set must pass."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


class InvalidExamplesError(ValueError):
    """A set of examples cannot be used for training or evaluation; the message says why."""


@dataclass(frozen=True)
class Example:
    """One request as the classifier sees it; ``category`` is set when the example is labelled."""

    subject: str
    text: str
    channel: str
    attachment_media_types: tuple[str, ...]
    party_known: bool
    category: str | None = None

    @property
    def content(self) -> str:
        """The text the model reads: the subject, then the body."""
        return f"{self.subject}\n{self.text}" if self.subject else self.text

    @property
    def has_content(self) -> bool:
        """True when the subject or the body holds something other than whitespace."""
        return bool(self.subject.strip() or self.text.strip())


def training_categories(examples: Sequence[Example]) -> tuple[str, ...]:
    """The sorted categories of a training set, after checking that it can train a classifier.

    Raises ``InvalidExamplesError`` naming the first problem: an example without a category or
    without text, fewer than two categories, or a category with a single example (a classifier
    cannot be both trained and evaluated on one example).
    """
    _check_labelled(examples, "training")
    counts = Counter(example.category for example in examples)
    if len(counts) < 2:
        raise InvalidExamplesError(
            f"training needs at least 2 categories, got {len(counts)}: {sorted(map(str, counts))}"
        )
    singletons = sorted(str(category) for category, count in counts.items() if count < 2)
    if singletons:
        raise InvalidExamplesError(
            "every category needs at least 2 examples; only one for: " + ", ".join(singletons)
        )
    return tuple(sorted(str(category) for category in counts))


def check_test_examples(examples: Sequence[Example], categories: Sequence[str]) -> None:
    """Check that held-out examples are labelled, have text, and use only known categories.

    Raises ``InvalidExamplesError`` naming the problem.
    """
    if not examples:
        raise InvalidExamplesError("the test set is empty")
    _check_labelled(examples, "test")
    unknown = sorted({str(example.category) for example in examples} - set(categories))
    if unknown:
        raise InvalidExamplesError(
            "test categories absent from the training set: " + ", ".join(unknown)
        )


def examples_sha256(examples: Sequence[Example]) -> str:
    """The SHA-256 (hex) of the examples' content and labels, in order.

    Two training sets have the same digest exactly when they hold the same examples in the same
    order, so a model can be traced back to the data it was trained on.
    """
    digest = hashlib.sha256()
    for example in examples:
        record = [
            example.subject,
            example.text,
            example.channel,
            list(example.attachment_media_types),
            example.party_known,
            example.category,
        ]
        digest.update(json.dumps(record, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _check_labelled(examples: Sequence[Example], role: str) -> None:
    for position, example in enumerate(examples):
        if not example.category:
            raise InvalidExamplesError(f"{role} example at index {position} has no category")
        if not example.has_content:
            raise InvalidExamplesError(
                f"{role} example at index {position} has an empty subject and text"
            )
