"""The ingest service's tables: items (the accepted feed), their attachments, and how far each
IMAP folder was ingested."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class IngestBase(DeclarativeBase):
    """Declarative base of the ingest service's own metadata."""


class ItemRow(IngestBase):
    """An item as it arrived, normalised. ``sequence`` orders the accepted feed; the index on
    sender and receive time serves the flood guard's count of a sender's recent items."""

    __tablename__ = "ingest_items"
    __table_args__ = (Index("ix_ingest_items_sender_receive_time", "sender", "receive_time"),)

    sequence: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    item_id: Mapped[str] = mapped_column(String(40), unique=True)
    dedup_key: Mapped[str] = mapped_column(String(600), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    triage_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(1000), default="")
    receive_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sender: Mapped[str] = mapped_column(String(500), default="")
    sender_name: Mapped[str] = mapped_column(String(500), default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    thread_message_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw_size: Mapped[int] = mapped_column(BigInteger)
    raw_media_type: Mapped[str] = mapped_column(String(200))
    raw_file_name: Mapped[str] = mapped_column(String(1000), default="")
    item_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    attachments: Mapped[list[AttachmentRow]] = relationship(
        order_by="AttachmentRow.position", lazy="selectin", cascade="all, delete-orphan"
    )


class AttachmentRow(IngestBase):
    """An attachment of an item (or the document of a scanned item), by blob reference."""

    __tablename__ = "ingest_attachments"

    item_sequence: Mapped[int] = mapped_column(
        ForeignKey("ingest_items.sequence", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(1000), default="")
    content_id: Mapped[str] = mapped_column(String(500), default="")
    inline: Mapped[bool] = mapped_column(default=False)
    nesting_path: Mapped[str] = mapped_column(String(100), default="")


class ImapCursorRow(IngestBase):
    """How far an IMAP mailbox folder has been ingested: the folder's UIDVALIDITY and the last
    UID stored (``imap_cursors`` reads and advances it)."""

    __tablename__ = "ingest_imap_cursors"

    mailbox: Mapped[str] = mapped_column(String(100), primary_key=True)
    folder: Mapped[str] = mapped_column(String(500), primary_key=True)
    uid_validity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
