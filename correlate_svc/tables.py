"""The correlation ledger: qualified requests, cases, links, merges, and the outbox feeding the
index."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class CorrelateBase(DeclarativeBase):
    """Declarative base of the correlate service's own metadata."""


class CaseState(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    CLOSED = "closed"
    MERGED = "merged"
    """Merged into another case (``merged_into_case_id``), to which its id resolves."""


class CaseRow(CorrelateBase):
    """A case: one customer demand, reached by one or more requests."""

    __tablename__ = "correlate_cases"

    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    party_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    category: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(16))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    close_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    merged_into_case_id: Mapped[str] = mapped_column(String(40), default="", index=True)
    split_from_case_id: Mapped[str] = mapped_column(String(40), default="")


class RequestRow(CorrelateBase):
    """A qualified request, the case it belongs to, and how that was decided."""

    __tablename__ = "correlate_requests"
    __table_args__ = (Index("ix_correlate_requests_party_time", "party_id", "sent_time"),)

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("correlate_cases.case_id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    sent_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    attachment_sha256s: Mapped[list[str]] = mapped_column(JSON, default=list)
    case_references: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(16))
    matched_request_id: Mapped[str] = mapped_column(String(100), default="")
    score: Mapped[float] = mapped_column(default=0.0)
    explanation: Mapped[str] = mapped_column(Text, default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseLinkRow(CorrelateBase):
    """Two cases about the same matter (a related request opened the second)."""

    __tablename__ = "correlate_case_links"

    case_id: Mapped[str] = mapped_column(ForeignKey("correlate_cases.case_id"), primary_key=True)
    related_case_id: Mapped[str] = mapped_column(
        ForeignKey("correlate_cases.case_id"), primary_key=True
    )


class CaseMergeRow(CorrelateBase):
    """A merge of one case into another, with what undoing it restores."""

    __tablename__ = "correlate_case_merges"

    merge_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("correlate_cases.case_id"), index=True)
    merged_case_id: Mapped[str] = mapped_column(ForeignKey("correlate_cases.case_id"), index=True)
    moved_request_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The requests the merge moved from the merged case to ``case_id``."""
    merged_state: Mapped[str] = mapped_column(String(16))
    merged_close_time: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    adopted_party: Mapped[bool] = mapped_column(default=False)
    """True when the surviving case had no party and took the merged case's."""
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    undo_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class IndexOutboxRow(CorrelateBase):
    """A request written to the ledger and not yet in the index."""

    __tablename__ = "correlate_index_outbox"

    position: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    request_id: Mapped[str] = mapped_column(String(100), index=True)
