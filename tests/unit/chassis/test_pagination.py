"""Page sizes and opaque page tokens."""

from __future__ import annotations

import base64
import json

import pytest

from chassis.errors import FieldViolation, InvalidArgumentError
from chassis.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_token,
    encode_token,
    page_size,
)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(0, DEFAULT_PAGE_SIZE), (1, 1), (250, 250), (MAX_PAGE_SIZE, MAX_PAGE_SIZE), (10**6, 1000)],
)
def test_page_size(requested: int, expected: int) -> None:
    assert page_size(requested) == expected


def test_a_negative_page_size_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        page_size(-1)

    assert raised.value.reason == "INVALID_PAGE_SIZE"
    assert [v.field for v in raised.value.violations] == ["page_size"]


def test_a_token_round_trips_its_position() -> None:
    position = {"after": "req-01jd9y3b6w", "time": 1_700_000_000, "note": "é/+="}

    token = encode_token("requests", position)

    assert decode_token("requests", token) == position


def test_a_token_is_url_safe_and_unpadded() -> None:
    token = encode_token("requests", {"after": "???>>>~~~"})

    assert not set(token) - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_an_empty_token_is_the_first_page() -> None:
    assert decode_token("requests", "") is None


def _forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        encode_token("parties", {"after": "p-1"}),
        "not a token!",
        "%%%%",
        base64.urlsafe_b64encode(b"\xff\xfe not utf-8").decode(),
        _forged("a string"),
        _forged(["requests", {}]),
        _forged({"k": "requests"}),
        _forged({"k": "requests", "p": ["not", "a", "mapping"]}),
    ],
    ids=[
        "another-list",
        "garbage",
        "not-base64",
        "not-utf8",
        "not-an-object",
        "a-list",
        "no-position",
        "position-not-an-object",
    ],
)
def test_a_foreign_or_bad_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        decode_token("requests", token)

    assert raised.value.reason == "INVALID_PAGE_TOKEN"
    assert raised.value.violations == (FieldViolation("page_token", "not a token of this list"),)
