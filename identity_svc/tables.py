"""The identity service's tables: the referential, what was learnt, and decisions.

- parties, their identifiers (with their source: the CRM or enrichment) and their frequency
  keys (the values whose share of the referential weighs an agreement, see ``weights``);
- the index outbox: parties changed since the party index last took them in;
- resolutions kept per request, with their confirmation or correction;
- sender handles confirmed for a party (history);
- the enrichment audit: every identifier proposed or added from a request, by whom, when,
  decided (accepted, rejected, reverted) by whom and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class IdentityBase(DeclarativeBase):
    """Declarative base of the identity service's own metadata."""


class PartyRow(IdentityBase):
    """A party of the referential, keyed by the CRM's own id."""

    __tablename__ = "identity_parties"

    party_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(500))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[str] = mapped_column(String(10), default="")
    postal_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="active")
    change_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdentifierRow(IdentityBase):
    """One identifier of a party, in canonical form, and who attached it."""

    __tablename__ = "identity_identifiers"
    __table_args__ = (Index("ix_identity_identifiers_value", "value", "kind"),)

    party_id: Mapped[str] = mapped_column(
        ForeignKey("identity_parties.party_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), default="crm")


class PartyKeyRow(IdentityBase):
    """A frequency key of a party (``profile.frequency_keys``), counted per key."""

    __tablename__ = "identity_party_keys"
    __table_args__ = (Index("ix_identity_party_keys_party", "party_id"),)

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    party_id: Mapped[str] = mapped_column(
        ForeignKey("identity_parties.party_id", ondelete="CASCADE"), primary_key=True
    )


class IndexOutboxRow(IdentityBase):
    """A party changed since the party index took it in."""

    __tablename__ = "identity_index_outbox"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    party_id: Mapped[str] = mapped_column(String(100))


class ResolutionRow(IdentityBase):
    """The decision made for a request, kept so that a replay gets the same answer, and its
    confirmation or correction by a person."""

    __tablename__ = "identity_resolutions"

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str] = mapped_column(String(100), default="")
    confidence: Mapped[float] = mapped_column(default=0.0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_party_id: Mapped[str] = mapped_column(String(100), default="")
    confirmed_by: Mapped[str] = mapped_column(String(200), default="")
    confirm_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SenderHandleRow(IdentityBase):
    """A sender handle (email address or phone number) confirmed for a party."""

    __tablename__ = "identity_sender_handles"

    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    party_id: Mapped[str] = mapped_column(
        ForeignKey("identity_parties.party_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str] = mapped_column(String(100))
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirm_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnrichmentRow(IdentityBase):
    """An identifier proposed for, or added to, a party from a request: the audit entry."""

    __tablename__ = "identity_enrichments"
    __table_args__ = (
        Index("ix_identity_enrichments_party", "party_id"),
        Index("ix_identity_enrichments_state", "state"),
    )

    enrichment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    party_id: Mapped[str] = mapped_column(
        ForeignKey("identity_parties.party_id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(100))
    confidence: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(200))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decide_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
