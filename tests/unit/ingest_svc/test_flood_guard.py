"""The flood guard over items really stored (SQLite file, blob directory): per-sender counts,
same-content counts, the window, items without a sender, and the content fingerprint."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from chassis.config import ConfigError, Environment
from chassis.database import Database
from chassis.migrations import upgrade
from chassis.vocabulary import Channel
from ingest_svc.blob_store import BlobStore
from ingest_svc.flood_guard import FloodGuard, FloodLimits, content_sha256, load_flood_limits
from ingest_svc.intake import NewAttachment, NormalisedItem
from ingest_svc.repository import ItemRepository

LIMITS = FloodLimits(max_items_per_sender=3, max_same_content=2, window=timedelta(minutes=10))
MIGRATIONS = Path(__file__).parents[3] / "ingest_svc" / "migrations"
_keys = itertools.count()


@dataclass
class Store:
    """The ingest database and blobs, migrated, with a repository over them."""

    database: Database
    repository: ItemRepository

    def stored(self, guard: FloodGuard, item: NormalisedItem) -> str:
        """Flags and stores ``item`` as the front door does; returns its flood reason."""
        flagged = guard.flag(item)
        self.repository.store(flagged)
        return str(flagged.metadata.get("flood", ""))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh ingest store."""
    database = Database(f"sqlite:///{tmp_path / 'ingest.sqlite3'}")
    upgrade(database, MIGRATIONS, "ingest")
    yield Store(database, ItemRepository(database, BlobStore(tmp_path / "blobs")))
    database.dispose()


def _item(
    sender: str = "anne@example.com", body: str = "Bonjour", *, data: bytes | None = None
) -> NormalisedItem:
    return NormalisedItem(
        dedup_key=f"test:{next(_keys)}",
        channel=Channel.EMAIL,
        raw=body.encode(),
        raw_media_type="message/rfc822",
        raw_file_name="",
        sender=sender,
        body_text=body,
        attachments=() if data is None else (NewAttachment(data, "a.pdf", "application/pdf"),),
    )


def test_the_same_content_beyond_the_limit_is_flagged(store: Store) -> None:
    guard = FloodGuard(store.database, LIMITS)

    flags = [store.stored(guard, _item(body="Reçu, merci.")) for _ in range(3)]

    assert flags[:2] == ["", ""]
    assert flags[2] == "the same content more than 2 times from anne@example.com within 600 s"


def test_items_beyond_the_limit_per_sender_are_flagged(store: Store) -> None:
    guard = FloodGuard(store.database, LIMITS)

    flags = [store.stored(guard, _item(body=f"message {n}")) for n in range(5)]

    assert flags[:3] == ["", "", ""]
    assert flags[3:] == ["more than 3 items from anne@example.com within 600 s"] * 2


def test_both_reasons_are_given_when_both_limits_are_passed(store: Store) -> None:
    guard = FloodGuard(store.database, replace(LIMITS, max_items_per_sender=2))

    flags = [store.stored(guard, _item(body="toujours pareil")) for _ in range(3)]

    assert flags[2] == (
        "the same content more than 2 times from anne@example.com within 600 s; "
        "more than 2 items from anne@example.com within 600 s"
    )


def test_senders_are_counted_apart(store: Store) -> None:
    guard = FloodGuard(store.database, LIMITS)
    for _ in range(2):
        store.stored(guard, _item(sender="anne@example.com", body="même texte"))

    assert store.stored(guard, _item(sender="paul@example.com", body="même texte")) == ""
    assert store.stored(guard, _item(sender="anne@example.com", body="même texte")) != ""


def test_the_fingerprint_is_stored_with_the_item(store: Store) -> None:
    guard = FloodGuard(store.database, LIMITS)
    item = _item(body="Mon contrat")

    stored = store.repository.store(guard.flag(item)).item

    assert stored.item_metadata["content_sha256"] == content_sha256(item)


def test_whitespace_and_case_do_not_make_content_different() -> None:
    assert content_sha256(_item(body="Reçu,  merci.\n")) == content_sha256(
        _item(body="reçu, MERCI.")
    )


def test_different_attachments_make_content_different() -> None:
    def seen(data: bytes) -> str:
        return content_sha256(_item(body="Voir pièce jointe", data=data))

    assert seen(b"one") != seen(b"two")
    assert seen(b"one") == seen(b"one")
    assert content_sha256(_item(body="", data=b"scan")) != ""


def test_empty_content_is_not_compared(store: Store) -> None:
    guard = FloodGuard(store.database, LIMITS)

    flags = [store.stored(guard, _item(body="  ")) for _ in range(3)]

    assert content_sha256(_item(body="  ")) == ""
    assert flags == ["", "", ""]


def test_items_without_a_sender_are_left_as_they_are(store: Store) -> None:
    guard = FloodGuard(store.database, replace(LIMITS, max_items_per_sender=1))
    scans = [_item(sender="", body="scan") for _ in range(3)]

    flagged = [guard.flag(scan) for scan in scans]
    for item in flagged:
        store.repository.store(item)

    assert flagged == scans
    assert guard.flag(_item(sender="", body="scan")).metadata == {}


def test_items_out_of_the_window_no_longer_count(store: Store) -> None:
    guard = FloodGuard(store.database, replace(LIMITS, window=timedelta(milliseconds=300)))
    for _ in range(2):
        store.stored(guard, _item(body="encore"))
    time.sleep(0.4)

    assert store.stored(guard, _item(body="encore")) == ""
    assert store.stored(guard, _item(body="encore")) == ""
    assert store.stored(guard, _item(body="encore")) != ""


def test_limits_are_read_from_the_environment() -> None:
    env = Environment(
        {
            "CONFLUX_INGEST_FLOOD_MAX_ITEMS": "50",
            "CONFLUX_INGEST_FLOOD_MAX_SAME_CONTENT": "5",
            "CONFLUX_INGEST_FLOOD_WINDOW_SECONDS": "90",
        }
    )

    assert load_flood_limits(env) == FloodLimits(50, 5, timedelta(seconds=90))
    env.check()
    assert load_flood_limits(Environment({})) == FloodLimits(20, 3, timedelta(minutes=10))


def test_a_zero_limit_is_refused() -> None:
    env = Environment({"CONFLUX_INGEST_FLOOD_MAX_ITEMS": "0"})

    load_flood_limits(env)

    with pytest.raises(ConfigError, match="CONFLUX_INGEST_FLOOD_MAX_ITEMS=0 is below"):
        env.check()
