"""The referential's tables and the decisions kept per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select

from chassis.database import Database
from chassis.timestamps import utc_now
from identity_svc.identifiers import IdentifierKind
from identity_svc.matching import Holders
from identity_svc.referential import ImportReport, Party, PartyKind
from identity_svc.tables import IdentifierRow, PartyRow, ResolutionRow

_LOOKUP_BATCH = 500


class ReferentialRepository:
    """Parties, identifiers and resolutions."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def upsert(self, parties: Sequence[tuple[int, Party]], report: ImportReport) -> None:
        """Creates or replaces ``parties`` (with their stream positions) in one transaction."""
        now = utc_now()
        with self._database.writing() as session:
            for _, party in parties:
                row = session.get(PartyRow, party.party_id)
                if row is None:
                    row = PartyRow(party_id=party.party_id)
                    session.add(row)
                    report.created += 1
                else:
                    report.updated += 1
                    session.execute(
                        delete(IdentifierRow).where(IdentifierRow.party_id == party.party_id)
                    )
                    session.flush()
                    session.expire(row, ["identifiers"])
                row.kind = party.kind.value
                row.display_name = party.display_name
                row.postal_address = party.postal_address
                row.update_time = now
                row.identifiers = [
                    IdentifierRow(party_id=party.party_id, kind=kind, value=value)
                    for kind, value in party.identifiers
                ]

    def holders(self, values: Iterable[str]) -> Holders:
        """For each value, the parties holding it and under which kind."""
        unique = sorted(set(values))
        found: dict[str, list[tuple[str, IdentifierKind]]] = defaultdict(list)
        with self._database.reading() as session:
            for start in range(0, len(unique), _LOOKUP_BATCH):
                batch = unique[start : start + _LOOKUP_BATCH]
                rows = session.execute(
                    select(IdentifierRow.value, IdentifierRow.party_id, IdentifierRow.kind).where(
                        IdentifierRow.value.in_(batch)
                    )
                )
                for value, party_id, kind in rows:
                    found[value].append((party_id, IdentifierKind(kind)))
        return found

    def get(self, party_id: str) -> Party | None:
        """The party, if it exists."""
        with self._database.reading() as session:
            row = session.get(PartyRow, party_id)
            return _party(row) if row is not None else None

    def page(self, after: str, limit: int) -> list[Party]:
        """Parties after ``after`` in id order."""
        with self._database.reading() as session:
            rows = session.scalars(
                select(PartyRow)
                .where(PartyRow.party_id > after)
                .order_by(PartyRow.party_id)
                .limit(limit)
            )
            return [_party(row) for row in rows]

    def resolution(self, request_id: str) -> dict[str, Any] | None:
        """The resolution kept for ``request_id``, if any."""
        with self._database.reading() as session:
            row = session.get(ResolutionRow, request_id)
            return dict(row.detail) if row is not None else None

    def keep_resolution(
        self,
        request_id: str,
        decision: str,
        party_id: str,
        confidence: float,
        detail: dict[str, Any],
    ) -> dict[str, Any]:
        """Keeps the first resolution of ``request_id`` and returns the one kept."""
        with self._database.writing() as session:
            existing = session.get(ResolutionRow, request_id)
            if existing is not None:
                return dict(existing.detail)
            session.add(
                ResolutionRow(
                    request_id=request_id,
                    decision=decision,
                    party_id=party_id,
                    confidence=confidence,
                    detail=detail,
                    create_time=utc_now(),
                )
            )
        return detail


def _party(row: PartyRow) -> Party:
    return Party(
        party_id=row.party_id,
        kind=PartyKind(row.kind),
        display_name=row.display_name,
        identifiers=tuple((i.kind, i.value) for i in row.identifiers),
        postal_address=row.postal_address,
    )
