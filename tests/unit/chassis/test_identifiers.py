"""Sortable unique ids."""

from __future__ import annotations

import re
import time

from chassis.identifiers import new_id

_ID = re.compile(r"^[0-9abcdefghjkmnpqrstvwxyz]{26}$")


def test_an_id_is_its_prefix_then_26_crockford_characters() -> None:
    identifier = new_id("req-")

    assert identifier.startswith("req-")
    assert _ID.match(identifier.removeprefix("req-"))


def test_an_id_without_prefix() -> None:
    assert _ID.match(new_id())


def test_ids_are_unique() -> None:
    ids = [new_id() for _ in range(10_000)]

    assert len(set(ids)) == len(ids)


def test_ids_sort_by_creation_time() -> None:
    ids = []
    for _ in range(5):
        ids.append(new_id("case-"))
        # The time part counts milliseconds: ids of the same millisecond are unordered.
        time.sleep(0.002)

    assert sorted(ids) == ids


def test_the_time_part_encodes_the_current_millisecond() -> None:
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    before = time.time_ns() // 1_000_000
    stamp = new_id()[:10]
    after = time.time_ns() // 1_000_000

    milliseconds = 0
    for character in stamp:
        milliseconds = milliseconds * 32 + alphabet.index(character)
    assert before <= milliseconds <= after
