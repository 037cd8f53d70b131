"""The referential's tables: parties, identifiers, frequency keys and the index outbox.

Imports write in bulk (one statement per table and batch), because the CRM's first sync sends
the whole base. Each change of a party also queues it in the index outbox, in the same
transaction, so that the party index never misses a change, whatever crashes between.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.timestamps import utc_now
from identity_svc.identifiers import IdentifierKind
from identity_svc.profile import frequency_keys, profile_of
from identity_svc.referential import (
    ChangeAction,
    Identifier,
    IdentifierSource,
    ImportReport,
    Party,
    PartyChange,
    PartyKind,
    PartyState,
)
from identity_svc.tables import IdentifierRow, IndexOutboxRow, PartyKeyRow, PartyRow

_LOOKUP_BATCH = 500
FREQUENCY_CAP = 5000
"""Counting stops here: beyond it a value is frequent, and exact counts would cost time that
grows with the referential."""
_SIZE_TTL_SECONDS = 30.0
_COUNT_TTL_SECONDS = 300.0
_COUNT_CACHE_SIZE = 200_000

_CAPPED_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM identity_party_keys WHERE key = :key LIMIT :cap) AS capped"
)

Holders = dict[str, list[tuple[str, IdentifierKind]]]
"""For a canonical value: the (party id, identifier kind) pairs that hold it."""


class PartyStore:
    """Parties, their identifiers and frequency keys, and the index outbox."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._size_lock = threading.Lock()
        self._size: tuple[float, int] | None = None
        self._counts: dict[str, tuple[float, int]] = {}

    def apply(self, changes: Sequence[tuple[int, PartyChange]], report: ImportReport) -> None:
        """Applies a batch of CRM changes (with their stream positions) in one transaction.

        A change older than the one already applied to its party is ignored (and counted).
        """
        now = utc_now()
        ids = list(dict.fromkeys(change.party.party_id for _, change in changes))
        with self._database.writing() as session:
            known: dict[str, datetime | None] = {
                party_id: change_time
                for party_id, change_time in session.execute(
                    select(PartyRow.party_id, PartyRow.change_time).where(
                        PartyRow.party_id.in_(ids)
                    )
                )
            }
            new_rows: _NewRows = ([], [], [])
            seen_new: set[str] = set()
            outbox: list[dict[str, str]] = []
            for position, change in changes:
                party_id = change.party.party_id
                exists = party_id in known
                if exists and _stale(change.change_time, known[party_id]):
                    report.ignored += 1
                    continue
                if change.action is ChangeAction.UPSERT and not exists and party_id not in seen_new:
                    _collect_new(change, now, new_rows)
                    seen_new.add(party_id)
                    known[party_id] = change.change_time
                    report.created += 1
                elif change.action is ChangeAction.UPSERT:
                    _flush_new(session, new_rows)
                    self._upsert(session, change, exists, now)
                    known[party_id] = change.change_time
                    if not exists:
                        report.created += 1
                    else:
                        report.updated += 1
                elif not exists:
                    report.reject(position, party_id, f"no party {party_id!r} to {change.action}")
                    continue
                elif change.action is ChangeAction.DEACTIVATE:
                    _flush_new(session, new_rows)
                    session.execute(
                        update(PartyRow)
                        .where(PartyRow.party_id == party_id)
                        .values(
                            state=PartyState.INACTIVE.value,
                            change_time=change.change_time,
                            update_time=now,
                        )
                    )
                    report.deactivated += 1
                else:
                    _flush_new(session, new_rows)
                    session.execute(delete(PartyRow).where(PartyRow.party_id == party_id))
                    known.pop(party_id, None)
                    report.erased += 1
                outbox.append({"party_id": party_id})
            _flush_new(session, new_rows)
            if outbox:
                session.execute(insert(IndexOutboxRow), outbox)
        self._size = None

    def _upsert(self, session: Session, change: PartyChange, exists: bool, now: datetime) -> None:
        party = change.party
        values = {
            "kind": party.kind.value,
            "display_name": party.display_name,
            "given_name": party.given_name,
            "family_name": party.family_name,
            "birth_date": party.birth_date,
            "postal_addresses": list(party.postal_addresses),
            "state": PartyState.ACTIVE.value,
            "change_time": change.change_time,
            "update_time": now,
        }
        incoming = {(kind, value) for kind, value, _ in party.identifiers}
        if exists:
            session.execute(
                update(PartyRow).where(PartyRow.party_id == party.party_id).values(**values)
            )
            # What the CRM said before goes; what enrichment added stays, unless the CRM now
            # says it too (then it is the CRM's).
            kept = session.execute(
                select(IdentifierRow.kind, IdentifierRow.value).where(
                    IdentifierRow.party_id == party.party_id,
                    IdentifierRow.source == IdentifierSource.ENRICHMENT.value,
                )
            ).all()
            taken_over = [(k, v) for k, v in kept if (k, v) in incoming]
            session.execute(
                delete(IdentifierRow).where(
                    IdentifierRow.party_id == party.party_id,
                    IdentifierRow.source == IdentifierSource.CRM.value,
                )
            )
            for kind, value in taken_over:
                session.execute(
                    delete(IdentifierRow).where(
                        IdentifierRow.party_id == party.party_id,
                        IdentifierRow.kind == kind,
                        IdentifierRow.value == value,
                    )
                )
            session.execute(delete(PartyKeyRow).where(PartyKeyRow.party_id == party.party_id))
        else:
            session.execute(insert(PartyRow).values(party_id=party.party_id, **values))
        if incoming:
            session.execute(
                insert(IdentifierRow),
                [
                    {"party_id": party.party_id, "kind": k, "value": v, "source": "crm"}
                    for k, v in sorted(incoming)
                ],
            )
        keys = frequency_keys(profile_of(party))
        if keys:
            session.execute(
                insert(PartyKeyRow), [{"key": k, "party_id": party.party_id} for k in keys]
            )

    def get(self, party_id: str) -> Party | None:
        """The party, if it exists (active or not)."""
        parties = self.parties([party_id], active_only=False)
        return parties[0] if parties else None

    def parties(self, party_ids: Iterable[str], *, active_only: bool = True) -> list[Party]:
        """The parties among ``party_ids`` that exist (and are active), in id order."""
        unique = sorted(set(party_ids))
        found: list[Party] = []
        with self._database.reading() as session:
            for start in range(0, len(unique), _LOOKUP_BATCH):
                batch = unique[start : start + _LOOKUP_BATCH]
                query = select(*_PARTY_COLUMNS).where(PartyRow.party_id.in_(batch))
                if active_only:
                    query = query.where(PartyRow.state == PartyState.ACTIVE.value)
                rows = session.execute(query.order_by(PartyRow.party_id)).all()
                identifiers = _identifiers_of(session, [r.party_id for r in rows])
                found += [_party(row, identifiers.get(row.party_id, ())) for row in rows]
        return found

    def page(self, after: str, limit: int) -> list[Party]:
        """Parties after ``after`` in id order."""
        with self._database.reading() as session:
            ids = session.scalars(
                select(PartyRow.party_id)
                .where(PartyRow.party_id > after)
                .order_by(PartyRow.party_id)
                .limit(limit)
            ).all()
        return self.parties(ids, active_only=False)

    def holders(self, values: Iterable[str]) -> Holders:
        """For each value, the active parties holding it and under which kind."""
        unique = sorted(set(values))
        found: Holders = defaultdict(list)
        with self._database.reading() as session:
            for start in range(0, len(unique), _LOOKUP_BATCH):
                batch = unique[start : start + _LOOKUP_BATCH]
                rows = session.execute(
                    select(IdentifierRow.value, IdentifierRow.party_id, IdentifierRow.kind)
                    .join(PartyRow, PartyRow.party_id == IdentifierRow.party_id)
                    .where(
                        IdentifierRow.value.in_(batch),
                        PartyRow.state == PartyState.ACTIVE.value,
                    )
                )
                for value, party_id, kind in rows:
                    found[value].append((party_id, IdentifierKind(kind)))
        return dict(found)

    def key_count(self, key: str) -> int:
        """How many parties hold the frequency key, counted up to ``FREQUENCY_CAP`` (kept for
        a while: frequencies change slowly, and the same names come back)."""
        now = time.monotonic()
        cached = self._counts.get(key)
        if cached is not None and now - cached[0] < _COUNT_TTL_SECONDS:
            return cached[1]
        with self._database.engine.connect() as connection:
            count = int(
                connection.execute(_CAPPED_COUNT, {"key": key, "cap": FREQUENCY_CAP}).scalar() or 0
            )
        if len(self._counts) >= _COUNT_CACHE_SIZE:
            self._counts.clear()
        self._counts[key] = (now, count)
        return count

    def size(self) -> int:
        """How many parties the referential holds (refreshed every 30 s, or after a change)."""
        with self._size_lock:
            cached = self._size
            if cached is not None and time.monotonic() - cached[0] < _SIZE_TTL_SECONDS:
                return cached[1]
            with self._database.reading() as session:
                count = int(session.scalar(select(func.count()).select_from(PartyRow)) or 0)
            self._size = (time.monotonic(), count)
            return count

    def pending_index(self, limit: int) -> list[tuple[int, str]]:
        """The oldest ``limit`` outbox entries: (sequence, party id)."""
        with self._database.reading() as session:
            rows = session.execute(
                select(IndexOutboxRow.seq, IndexOutboxRow.party_id)
                .order_by(IndexOutboxRow.seq)
                .limit(limit)
            )
            return [(int(seq), str(party_id)) for seq, party_id in rows]

    def acknowledge_indexed(self, sequences: Sequence[int]) -> None:
        """Removes outbox entries the index has taken in."""
        with self._database.writing() as session:
            session.execute(delete(IndexOutboxRow).where(IndexOutboxRow.seq.in_(sequences)))

    def rebuild_derived(self) -> int:
        """Recomputes every party's frequency keys and queues it for the index (after the index
        was reset: both are derived from the parties); returns how many parties."""
        total = 0
        after = ""
        while True:
            parties = self.page(after, _LOOKUP_BATCH)
            if not parties:
                return total
            with self._database.writing() as session:
                ids = [p.party_id for p in parties]
                session.execute(delete(PartyKeyRow).where(PartyKeyRow.party_id.in_(ids)))
                keys = [
                    {"key": key, "party_id": party.party_id}
                    for party in parties
                    for key in frequency_keys(profile_of(party))
                ]
                if keys:
                    session.execute(insert(PartyKeyRow), keys)
                session.execute(insert(IndexOutboxRow), [{"party_id": i} for i in ids])
            total += len(parties)
            after = parties[-1].party_id

    def add_identifier(self, session: Session, party_id: str, kind: str, value: str) -> bool:
        """Adds an enrichment identifier in ``session``; False when the party already holds it."""
        exists = session.scalar(
            select(func.count())
            .select_from(IdentifierRow)
            .where(
                and_(
                    IdentifierRow.party_id == party_id,
                    IdentifierRow.kind == kind,
                    IdentifierRow.value == value,
                )
            )
        )
        if exists:
            return False
        session.execute(
            insert(IdentifierRow).values(
                party_id=party_id, kind=kind, value=value, source=IdentifierSource.ENRICHMENT.value
            )
        )
        return True

    def remove_enriched_identifier(
        self, session: Session, party_id: str, kind: str, value: str
    ) -> bool:
        """Removes an identifier enrichment added (never one the CRM holds); False if none."""
        result = session.execute(
            delete(IdentifierRow).where(
                IdentifierRow.party_id == party_id,
                IdentifierRow.kind == kind,
                IdentifierRow.value == value,
                IdentifierRow.source == IdentifierSource.ENRICHMENT.value,
            )
        )
        return bool(getattr(result, "rowcount", 0))


_NewRows = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]
"""Rows of new parties (parties, identifiers, frequency keys), written together."""


def _collect_new(change: PartyChange, now: datetime, rows: _NewRows) -> None:
    """Adds a new party's rows to ``rows``: a first import writes a batch in three statements."""
    party = change.party
    rows[0].append(
        {
            "party_id": party.party_id,
            "kind": party.kind.value,
            "display_name": party.display_name,
            "given_name": party.given_name,
            "family_name": party.family_name,
            "birth_date": party.birth_date,
            "postal_addresses": list(party.postal_addresses),
            "state": PartyState.ACTIVE.value,
            "change_time": change.change_time,
            "update_time": now,
        }
    )
    rows[1].extend(
        {"party_id": party.party_id, "kind": k, "value": v, "source": "crm"}
        for k, v in sorted({(kind, value) for kind, value, _ in party.identifiers})
    )
    rows[2].extend(
        {"key": k, "party_id": party.party_id} for k in frequency_keys(profile_of(party))
    )


def _flush_new(session: Session, rows: _NewRows) -> None:
    """Writes the collected new parties (before any statement that may read them)."""
    for table, batch in zip((PartyRow, IdentifierRow, PartyKeyRow), rows, strict=True):
        if batch:
            session.execute(insert(table), batch)
            batch.clear()


def _stale(incoming: datetime | None, applied: datetime | None) -> bool:
    if incoming is None or applied is None:
        return False
    if applied.tzinfo is None:
        applied = applied.replace(tzinfo=incoming.tzinfo)
    return incoming < applied


def _identifiers_of(session: Session, party_ids: list[str]) -> dict[str, list[Identifier]]:
    found: dict[str, list[Identifier]] = defaultdict(list)
    if not party_ids:
        return found
    rows = session.execute(
        select(
            IdentifierRow.party_id, IdentifierRow.kind, IdentifierRow.value, IdentifierRow.source
        )
        .where(IdentifierRow.party_id.in_(party_ids))
        .order_by(IdentifierRow.party_id, IdentifierRow.kind, IdentifierRow.value)
    )
    for party_id, kind, value, source in rows:
        found[party_id].append(Identifier(kind, value, IdentifierSource(source)))
    return found


_PARTY_COLUMNS = (
    PartyRow.party_id,
    PartyRow.kind,
    PartyRow.display_name,
    PartyRow.postal_addresses,
    PartyRow.given_name,
    PartyRow.family_name,
    PartyRow.birth_date,
    PartyRow.state,
    PartyRow.update_time,
)


def _party(row: Any, identifiers: Iterable[Identifier]) -> Party:
    return Party(
        party_id=row.party_id,
        kind=PartyKind(row.kind),
        display_name=row.display_name,
        identifiers=tuple(identifiers),
        postal_addresses=tuple(row.postal_addresses or ()),
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        state=PartyState(row.state),
        update_time=row.update_time,
    )
