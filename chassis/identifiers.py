"""Identifiers that sort by creation time (ULID-like): 10 characters of milliseconds, then 16 of
randomness, in lower-case Crockford base32. Sortable ids keep indexes and feeds in time order."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str = "") -> str:
    """A new unique id, e.g. ``new_id("req-")`` → ``req-01jd9y3b6w4x...``."""
    milliseconds = time.time_ns() // 1_000_000
    stamp = "".join(_ALPHABET[(milliseconds >> shift) & 31] for shift in range(45, -5, -5))
    randomness = secrets.randbits(80)
    tail = "".join(_ALPHABET[(randomness >> shift) & 31] for shift in range(75, -5, -5))
    return f"{prefix}{stamp}{tail}"
