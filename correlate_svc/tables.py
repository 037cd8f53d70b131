"""The correlation ledger: qualified requests, cases, links, and the outbox feeding the index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class CorrelateBase(DeclarativeBase):
    """Declarative base of the correlate service's own metadata."""


class CaseRow(CorrelateBase):
    """A case: one customer demand, reached by one or more requests."""

    __tablename__ = "correlate_cases"

    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    party_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    category: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(16))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    close_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


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


class IndexOutboxRow(CorrelateBase):
    """A request written to the ledger and not yet in the index."""

    __tablename__ = "correlate_index_outbox"

    position: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    request_id: Mapped[str] = mapped_column(String(100), index=True)
