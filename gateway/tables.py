"""The gateway's tables: pipeline state per request, and the cursor on ingest's feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class GatewayBase(DeclarativeBase):
    """Declarative base of the gateway's own metadata."""


class FeedCursorRow(GatewayBase):
    """Where the gateway stands on ingest's accepted feed."""

    __tablename__ = "gateway_feed_cursors"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    token: Mapped[str] = mapped_column(String(500))


class PipelineRow(GatewayBase):
    """A request in the pipeline: its state, its next step, the results of the steps done."""

    __tablename__ = "gateway_requests"
    __table_args__ = (Index("ix_gateway_requests_due", "state", "next_attempt_time"),)

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    item_sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(1000), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))
    state_reason: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(16), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    trace_parent: Mapped[str] = mapped_column(String(100), default="")
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    steps: Mapped[list[StepOutcomeRow]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="StepOutcomeRow.position"
    )


class StepOutcomeRow(GatewayBase):
    """What happened at one step of one request."""

    __tablename__ = "gateway_step_outcomes"

    request_id: Mapped[str] = mapped_column(
        ForeignKey("gateway_requests.request_id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(default=0)
    succeeded: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
