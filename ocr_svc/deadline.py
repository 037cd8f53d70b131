"""The time budget of one extraction, shared by every page and every external tool it runs."""

from __future__ import annotations

import time
from dataclasses import dataclass


class DeadlineExceededError(Exception):
    """Raised when a step cannot finish within what is left of the time budget."""


@dataclass(frozen=True)
class Deadline:
    """A point on the monotonic clock after which no further work SHALL be started."""

    expires_at: float
    budget_s: float
    """The seconds that were granted, for reporting."""

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """Return the deadline that expires `seconds` from now."""
        return cls(expires_at=time.monotonic() + seconds, budget_s=seconds)

    def remaining(self) -> float:
        """Return the seconds left before expiry; zero or negative once expired."""
        return self.expires_at - time.monotonic()

    @property
    def expired(self) -> bool:
        """True once no time is left."""
        return self.remaining() <= 0

    def check(self) -> None:
        """Raise `DeadlineExceededError` once no time is left."""
        if self.expired:
            raise DeadlineExceededError(f"time limit of {self.budget_s:g} s reached")
