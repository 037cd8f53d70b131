"""The enrichment audit, and the identifiers it adds to and removes from parties."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.errors import FailedPreconditionError, NotFoundError
from chassis.timestamps import utc_now
from identity_svc.enrichment import EnrichmentPolicy, EnrichmentState, Offer
from identity_svc.party_store import PartyStore
from identity_svc.tables import EnrichmentRow, IdentifierRow

SERVICE_ACTOR = "identity-service"
"""Who enrichment decisions made by the service itself are recorded as made by."""


@dataclass(frozen=True)
class Enrichment:
    """One audit entry: the identifier, the party, the request it comes from, the confidence,
    its state, who created it and when, who decided it last and when."""

    enrichment_id: str
    party_id: str
    kind: str
    value: str
    request_id: str
    confidence: float
    state: EnrichmentState
    created_by: str
    create_time: datetime
    decided_by: str
    decide_time: datetime | None
    note: str


class EnrichmentStore:
    """Records offers, applies or proposes them, and carries out people's decisions."""

    def __init__(self, database: Database, parties: PartyStore, policy: EnrichmentPolicy) -> None:
        self._database = database
        self._parties = parties
        self._policy = policy

    def record_offers(
        self, session: Session, party_id: str, request_id: str, offers: list[Offer], actor: str
    ) -> list[Enrichment]:
        """Adds (at or above the policy's confidence) or proposes each offer, in ``session``."""
        now = utc_now()
        recorded = []
        for offer in offers:
            applied = offer.confidence >= self._policy.apply_at and self._parties.add_identifier(
                session, party_id, offer.kind.value, offer.value
            )
            row = EnrichmentRow(
                enrichment_id=uuid.uuid4().hex,
                party_id=party_id,
                kind=offer.kind.value,
                value=offer.value,
                request_id=request_id,
                confidence=offer.confidence,
                state=(EnrichmentState.APPLIED if applied else EnrichmentState.PROPOSED).value,
                created_by=actor,
                create_time=now,
                decided_by=actor if applied else "",
                decide_time=now if applied else None,
                note="",
            )
            session.add(row)
            recorded.append(_enrichment(row))
        return recorded

    def undo_request(
        self, session: Session, request_id: str, except_party: str, actor: str, note: str
    ) -> None:
        """Reverts what the request added to parties other than ``except_party`` and rejects
        what it proposed to them (a corrected match), in ``session``."""
        rows = session.scalars(
            select(EnrichmentRow).where(
                EnrichmentRow.request_id == request_id, EnrichmentRow.party_id != except_party
            )
        ).all()
        for row in rows:
            if row.state == EnrichmentState.APPLIED.value:
                self._parties.remove_enriched_identifier(session, row.party_id, row.kind, row.value)
                _decide(row, EnrichmentState.REVERTED, actor, note)
            elif row.state == EnrichmentState.PROPOSED.value:
                _decide(row, EnrichmentState.REJECTED, actor, note)

    def accept(self, enrichment_id: str, actor: str) -> Enrichment:
        """Adds a proposed identifier to its party."""
        with self._database.writing() as session:
            row = _row(session, enrichment_id, EnrichmentState.PROPOSED)
            holder = session.scalar(
                select(IdentifierRow.party_id).where(
                    IdentifierRow.kind == row.kind,
                    IdentifierRow.value == row.value,
                    IdentifierRow.party_id != row.party_id,
                )
            )
            if holder is not None:
                raise FailedPreconditionError(
                    "IDENTIFIER_HELD_ELSEWHERE",
                    f"{row.kind} {row.value} is now held by party {holder!r}",
                )
            self._parties.add_identifier(session, row.party_id, row.kind, row.value)
            _decide(row, EnrichmentState.APPLIED, actor, "")
            return _enrichment(row)

    def reject(self, enrichment_id: str, actor: str) -> Enrichment:
        """Rejects a proposal: the party is left as it is."""
        with self._database.writing() as session:
            row = _row(session, enrichment_id, EnrichmentState.PROPOSED)
            _decide(row, EnrichmentState.REJECTED, actor, "")
            return _enrichment(row)

    def revert(self, enrichment_id: str, actor: str) -> Enrichment:
        """Removes an added identifier from its party (unless the CRM holds it since)."""
        with self._database.writing() as session:
            row = _row(session, enrichment_id, EnrichmentState.APPLIED)
            removed = self._parties.remove_enriched_identifier(
                session, row.party_id, row.kind, row.value
            )
            note = "" if removed else "the CRM holds this identifier since; it stays"
            _decide(row, EnrichmentState.REVERTED, actor, note)
            return _enrichment(row)

    def page(
        self, party_id: str, state: EnrichmentState | None, after: str, limit: int
    ) -> list[Enrichment]:
        """Audit entries (of one party, in one state, when given) after ``after`` in id order."""
        query = select(EnrichmentRow).where(EnrichmentRow.enrichment_id > after)
        if party_id:
            query = query.where(EnrichmentRow.party_id == party_id)
        if state is not None:
            query = query.where(EnrichmentRow.state == state.value)
        with self._database.reading() as session:
            rows = session.scalars(query.order_by(EnrichmentRow.enrichment_id).limit(limit))
            return [_enrichment(row) for row in rows]


def _row(session: Session, enrichment_id: str, expected: EnrichmentState) -> EnrichmentRow:
    row = session.get(EnrichmentRow, enrichment_id, with_for_update=True)
    if row is None:
        raise NotFoundError("ENRICHMENT_NOT_FOUND", f"no enrichment {enrichment_id!r}")
    if row.state != expected.value:
        raise FailedPreconditionError(
            "ENRICHMENT_STATE",
            f"enrichment {enrichment_id!r} is {row.state}, not {expected.value}",
        )
    return row


def _decide(row: EnrichmentRow, state: EnrichmentState, actor: str, note: str) -> None:
    row.state = state.value
    row.decided_by = actor
    row.decide_time = utc_now()
    row.note = note


def _enrichment(row: EnrichmentRow) -> Enrichment:
    return Enrichment(
        enrichment_id=row.enrichment_id,
        party_id=row.party_id,
        kind=row.kind,
        value=row.value,
        request_id=row.request_id,
        confidence=row.confidence,
        state=EnrichmentState(row.state),
        created_by=row.created_by,
        create_time=row.create_time,
        decided_by=row.decided_by,
        decide_time=row.decide_time,
        note=row.note,
    )
