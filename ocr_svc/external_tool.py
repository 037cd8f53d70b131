"""Running an external command-line tool (tesseract, pdftoppm) within a deadline."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence

from ocr_svc.deadline import Deadline, DeadlineExceededError


class ToolMissingError(RuntimeError):
    """Raised when a required executable is not installed: a deployment fault, not bad input."""


def run_tool(
    args: Sequence[str],
    deadline: Deadline,
    *,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `args` capturing stdout and stderr, killed when the deadline passes.

    The caller SHALL inspect the return code. Raises `DeadlineExceededError` when no time is left or
    the tool is still running at the deadline, and `ToolMissingError` when the executable is absent.
    """
    remaining = deadline.remaining()
    if remaining <= 0:
        raise DeadlineExceededError(f"no time left to run {args[0]}")
    env = {**os.environ, **extra_env} if extra_env else None
    try:
        return subprocess.run(
            list(args), capture_output=True, timeout=remaining, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise DeadlineExceededError(f"{args[0]} did not finish within the time limit") from exc
    except FileNotFoundError as exc:
        raise ToolMissingError(f"{args[0]} is not installed") from exc
