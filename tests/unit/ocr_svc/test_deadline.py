"""The time budget of an extraction."""

from __future__ import annotations

import pytest

from ocr_svc.deadline import Deadline, DeadlineExceededError


def test_a_fresh_deadline_has_its_budget_left() -> None:
    deadline = Deadline.after(60)

    assert 59 < deadline.remaining() <= 60
    assert not deadline.expired
    deadline.check()


def test_an_expired_deadline_says_so() -> None:
    deadline = Deadline.after(0)

    assert deadline.expired
    with pytest.raises(DeadlineExceededError, match="time limit of 0 s reached"):
        deadline.check()
