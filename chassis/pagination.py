"""Opaque page tokens for every ``List`` method (AIP-158).

A token is URL-safe base64 of a small JSON object naming the list it belongs to, so that a
token of one list given to another is refused with INVALID_ARGUMENT rather than misread.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chassis.errors import FieldViolation, InvalidArgumentError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(requested: int) -> int:
    """The page size to use: the default for 0, capped at the maximum; negative is refused."""
    if requested < 0:
        raise InvalidArgumentError(
            "INVALID_PAGE_SIZE",
            "page_size must not be negative",
            [FieldViolation("page_size", "must be zero (default) or positive")],
        )
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def next_page(
    rows: Sequence[T], size: int, kind: str, position_of: Callable[[T], dict[str, Any]]
) -> tuple[Sequence[T], str]:
    """The page to return and the token of the next one, from ``rows`` fetched with one more
    than ``size`` (that extra row, if present, says a next page exists)."""
    if len(rows) <= size:
        return rows, ""
    page = rows[:size]
    return page, encode_token(kind, position_of(page[-1]))


def encode_token(kind: str, position: dict[str, Any]) -> str:
    """A token for ``kind`` resuming at ``position``."""
    payload = json.dumps({"k": kind, "p": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_token(kind: str, token: str) -> dict[str, Any] | None:
    """The position in ``token``, None for an empty token; a foreign or bad token is refused."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if payload["k"] == kind and isinstance(payload["p"], dict):
            position: dict[str, Any] = payload["p"]
            return position
    except (binascii.Error, ValueError, KeyError, TypeError):
        pass
    raise InvalidArgumentError(
        "INVALID_PAGE_TOKEN",
        "page_token was not returned by this method",
        [FieldViolation("page_token", "not a token of this list")],
    )
