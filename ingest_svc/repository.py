"""Durable storage of items: blobs on disk first, then the item row, then the acknowledgement.

``store`` writes and fsyncs every blob (raw bytes and attachments) before committing the row
that references them, and the caller acknowledges only after the commit returns: a crash at any
point leaves either nothing acknowledged (the client retries and gets the same item, by its
dedup key) or a committed item whose blobs are on disk. A blob written by a submission that
crashed before its commit is an orphan, harmless and shared by content address.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from chassis.database import Database
from chassis.identifiers import new_id
from chassis.timestamps import as_utc, utc_now
from ingest_svc.blob_store import BlobStore
from ingest_svc.intake import NormalisedItem
from ingest_svc.tables import AttachmentRow, ItemRow

ACCEPTED = "accepted"
TRIAGE = "triage"

# PostgreSQL assigns sequence numbers at insert but makes rows visible at commit, so a follower
# could read number 8 before number 7 commits and skip 7 for ever. Inserts take this
# transaction-scoped lock so that commit order is sequence order.
_FEED_LOCK_KEY = 0x636F6E666C7578


@dataclass(frozen=True)
class StoreResult:
    """The stored item, and whether this call created it."""

    item: ItemRow
    created: bool


class ItemRepository:
    """Items, their attachments and the accepted feed."""

    def __init__(self, database: Database, blobs: BlobStore) -> None:
        self._database = database
        self._blobs = blobs

    def store(
        self, item: NormalisedItem, *, state: str = ACCEPTED, reason: str = ""
    ) -> StoreResult:
        """Stores ``item`` durably; returns the existing item when its dedup key is known."""
        existing = self.find_by_dedup_key(item.dedup_key)
        if existing is not None:
            return StoreResult(existing, created=False)
        raw = self._blobs.put(item.raw)
        attachments = [
            (attachment, self._blobs.put(attachment.data)) for attachment in item.attachments
        ]
        row = ItemRow(
            item_id=new_id("req-"),
            dedup_key=item.dedup_key,
            channel=item.channel.value,
            state=state,
            triage_reason=reason,
            source=item.source[:1000],
            receive_time=utc_now(),
            # In UTC: SQLite keeps no offset, and every channel's times must compare.
            sent_time=as_utc(item.sent_time) if item.sent_time else None,
            sender=item.sender[:500],
            sender_name=item.sender_name[:500],
            recipients=list(item.recipients),
            subject=item.subject,
            body_text=item.body_text,
            thread_message_ids=list(item.thread_message_ids),
            raw_sha256=raw.sha256,
            raw_size=raw.size_bytes,
            raw_media_type=item.raw_media_type,
            raw_file_name=item.raw_file_name[:1000],
            item_metadata=dict(item.metadata),
            attachments=[
                AttachmentRow(
                    position=position,
                    sha256=stored.sha256,
                    size_bytes=stored.size_bytes,
                    media_type=attachment.media_type,
                    file_name=attachment.file_name[:1000],
                    content_id=attachment.content_id[:500],
                    inline=attachment.inline,
                    nesting_path=attachment.nesting_path,
                )
                for position, (attachment, stored) in enumerate(attachments)
            ],
        )
        try:
            with self._database.writing() as session:
                if not self._database.is_sqlite:
                    session.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FEED_LOCK_KEY}
                    )
                session.add(row)
        except IntegrityError:
            concurrent = self.find_by_dedup_key(item.dedup_key)
            if concurrent is None:
                raise
            return StoreResult(concurrent, created=False)
        return StoreResult(row, created=True)

    def find_by_dedup_key(self, dedup_key: str) -> ItemRow | None:
        """The item with this dedup key, if any."""
        with self._database.reading() as session:
            return session.scalars(select(ItemRow).where(ItemRow.dedup_key == dedup_key)).first()

    def get(self, item_id: str) -> ItemRow | None:
        """The item with this id, if any."""
        with self._database.reading() as session:
            return session.scalars(select(ItemRow).where(ItemRow.item_id == item_id)).first()

    def feed_after(self, sequence: int, limit: int) -> list[ItemRow]:
        """Items after ``sequence`` on the accepted feed, in order."""
        with self._database.reading() as session:
            return list(
                session.scalars(
                    select(ItemRow)
                    .where(ItemRow.sequence > sequence)
                    .order_by(ItemRow.sequence)
                    .limit(limit)
                )
            )
