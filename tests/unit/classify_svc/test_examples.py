from __future__ import annotations

import dataclasses

import pytest

from classify_svc.examples import (
    Example,
    InvalidExamplesError,
    check_test_examples,
    examples_sha256,
    training_categories,
)


def _example(text: str, category: str | None, subject: str = "") -> Example:
    return Example(subject, text, "email", (), False, category)


def test_content_puts_the_subject_before_the_text() -> None:
    assert _example("body", "a", subject="Subject").content == "Subject\nbody"
    assert _example("body", "a").content == "body"


def test_training_categories_are_sorted_and_unique() -> None:
    examples = [_example(t, c) for t, c in [("x", "b"), ("y", "a"), ("z", "b"), ("w", "a")]]
    assert training_categories(examples) == ("a", "b")


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ([_example("x", "a"), _example("y", "a")], "at least 2 categories"),
        ([_example("x", "a"), _example("y", "a"), _example("z", "b")], "only one for: b"),
        ([_example("x", "a"), _example("y", None)], "example at index 1 has no category"),
        (
            [_example("x", "a"), _example("  \n", "b")],
            "example at index 1 has an empty subject and text",
        ),
        ([], "at least 2 categories"),
    ],
)
def test_unusable_training_sets_are_refused(examples: list[Example], message: str) -> None:
    with pytest.raises(InvalidExamplesError, match=message):
        training_categories(examples)


def test_a_subject_alone_is_enough_content() -> None:
    examples = [_example("", "a", subject="s"), _example("x", "a")] * 2
    examples += [_example("y", "b"), _example("z", "b")]
    assert training_categories(examples) == ("a", "b")


def test_test_examples_must_use_training_categories() -> None:
    check_test_examples([_example("x", "a")], ("a", "b"))
    with pytest.raises(InvalidExamplesError, match="absent from the training set: c"):
        check_test_examples([_example("x", "c")], ("a", "b"))
    with pytest.raises(InvalidExamplesError, match="empty"):
        check_test_examples([], ("a", "b"))


def test_sha256_depends_on_every_field_and_on_order() -> None:
    first, second = _example("x", "a"), _example("y", "b")
    digest = examples_sha256([first, second])
    assert digest == examples_sha256([first, second])
    assert digest != examples_sha256([second, first])
    for change in ({"channel": "fax"}, {"party_known": True}, {"category": "c"}):
        assert digest != examples_sha256([dataclasses.replace(first, **change), second])
