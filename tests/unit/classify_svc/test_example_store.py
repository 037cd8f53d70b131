"""The examples table on SQLite and PostgreSQL: imports deduplicated by content, feedback kept
once per request."""

from __future__ import annotations

import dataclasses

from chassis.database import Database
from classify_svc.example_store import ExampleStore, FeedbackOutcome
from classify_svc.examples import Example

CLAIM = Example("Sinistre", "Dégât des eaux dans la cuisine", "email", (), True, "claim")
BILL = Example("", "I was charged twice", "chat", ("application/pdf",), False, "billing")


def test_imports_are_kept_once_per_content_and_category(database: Database) -> None:
    store = ExampleStore(database)
    assert store.add([CLAIM, BILL, CLAIM]) == 2
    assert store.add([CLAIM, dataclasses.replace(CLAIM, category="complaint")]) == 1
    assert store.all() == [CLAIM, BILL, dataclasses.replace(CLAIM, category="complaint")]


def test_feedback_is_idempotent_by_request_and_the_last_word_wins(database: Database) -> None:
    store = ExampleStore(database)
    store.add([CLAIM])
    # The same content as an import is still the agent's word on this request.
    assert store.record_feedback("req-1", CLAIM) is FeedbackOutcome.CREATED
    assert store.record_feedback("req-1", CLAIM) is FeedbackOutcome.UNCHANGED
    corrected = dataclasses.replace(CLAIM, category="complaint")
    assert store.record_feedback("req-1", corrected) is FeedbackOutcome.UPDATED
    assert store.record_feedback("req-2", BILL) is FeedbackOutcome.CREATED
    assert store.all() == [CLAIM, corrected, BILL]


def test_feedback_and_imports_train_together(database: Database) -> None:
    store = ExampleStore(database)
    store.record_feedback("req-1", BILL)
    store.add([BILL, CLAIM])
    assert store.all() == [BILL, BILL, CLAIM]
