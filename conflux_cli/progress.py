"""A progress bar on standard error, shown only when it is a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """``[#####.....] 12/40 items`` redrawn in place; silent when not on a terminal."""

    def __init__(self, total: int, unit: str, stream: TextIO | None = None) -> None:
        self._total = total
        self._unit = unit
        self._done = 0
        self._stream = stream or sys.stderr
        self._active = self._stream.isatty() and total > 0

    def advance(self) -> None:
        """One more done."""
        self._done += 1
        if self._active:
            width = 30
            filled = width * self._done // self._total
            bar = "#" * filled + "." * (width - filled)
            self._stream.write(f"\r[{bar}] {self._done}/{self._total} {self._unit}")
            self._stream.flush()

    def close(self) -> None:
        """Ends the line."""
        if self._active:
            self._stream.write("\n")
            self._stream.flush()
