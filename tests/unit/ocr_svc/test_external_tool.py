"""Running external tools within a deadline."""

from __future__ import annotations

import time

import pytest

from ocr_svc.deadline import Deadline, DeadlineExceededError
from ocr_svc.external_tool import ToolMissingError, run_tool


def test_output_and_environment_reach_the_caller() -> None:
    completed = run_tool(
        ["sh", "-c", 'echo "$OMP_THREAD_LIMIT"'],
        Deadline.after(10),
        extra_env={"OMP_THREAD_LIMIT": "1"},
    )

    assert completed.returncode == 0
    assert completed.stdout == b"1\n"


def test_a_tool_still_running_at_the_deadline_is_killed() -> None:
    started = time.monotonic()

    with pytest.raises(DeadlineExceededError, match="sleep"):
        run_tool(["sleep", "10"], Deadline.after(0.2))

    assert time.monotonic() - started < 5


def test_a_missing_tool_is_a_deployment_fault() -> None:
    with pytest.raises(ToolMissingError, match="no-such-ocr-tool"):
        run_tool(["no-such-ocr-tool"], Deadline.after(10))
