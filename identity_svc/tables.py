"""The identity service's tables: the referential (parties and identifiers) and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class IdentityBase(DeclarativeBase):
    """Declarative base of the identity service's own metadata."""


class PartyRow(IdentityBase):
    """A party of the referential, keyed by the CRM's own id."""

    __tablename__ = "identity_parties"

    party_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(500))
    postal_address: Mapped[str] = mapped_column(Text, default="")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    identifiers: Mapped[list[IdentifierRow]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IdentifierRow.kind"
    )


class IdentifierRow(IdentityBase):
    """One identifier of a party, in canonical form."""

    __tablename__ = "identity_identifiers"
    __table_args__ = (Index("ix_identity_identifiers_value", "value", "kind"),)

    party_id: Mapped[str] = mapped_column(
        ForeignKey("identity_parties.party_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)


class ResolutionRow(IdentityBase):
    """The decision made for a request, kept so that a replay gets the same answer."""

    __tablename__ = "identity_resolutions"

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str] = mapped_column(String(100), default="")
    confidence: Mapped[float] = mapped_column(default=0.0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
