"""Resolutions kept per request (a replay gets the same answer), their confirmations, and the
sender handles people confirmed for a party (the history matching counts on)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.timestamps import utc_now
from identity_svc.tables import ResolutionRow, SenderHandleRow


class ResolutionStore:
    """Resolutions and confirmed sender handles."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def kept(self, request_id: str) -> dict[str, Any] | None:
        """The record kept for ``request_id``, if any."""
        with self._database.reading() as session:
            row = session.get(ResolutionRow, request_id)
            return dict(row.detail) if row is not None else None

    def keep(
        self,
        request_id: str,
        record: dict[str, Any],
        first_time: Callable[[Session], dict[str, Any]],
    ) -> dict[str, Any]:
        """Keeps the first record of ``request_id`` and returns the one kept. ``first_time``
        runs in the same transaction when this is the first (its result is merged into the
        record): what a resolution changes happens once, whatever the replays."""
        try:
            with self._database.writing() as session:
                existing = session.get(ResolutionRow, request_id)
                if existing is not None:
                    return dict(existing.detail)
                detail = {**record, **first_time(session)}
                session.add(
                    ResolutionRow(
                        request_id=request_id,
                        decision=str(detail["decision"]),
                        party_id=str(detail["party_id"]),
                        confidence=float(detail["confidence"]),
                        detail=detail,
                        create_time=utc_now(),
                        confirmed_party_id="",
                        confirmed_by="",
                    )
                )
            return detail
        except IntegrityError:
            # A concurrent resolution of the same request won: its record is the one kept.
            kept = self.kept(request_id)
            if kept is None:
                raise
            return kept

    def confirm(
        self,
        request_id: str,
        party_id: str,
        actor: str,
        apply: Callable[[Session, dict[str, Any], str], None],
    ) -> tuple[dict[str, Any], str, datetime] | None:
        """Records that ``actor`` confirmed ``party_id`` as the sender of ``request_id`` and runs
        ``apply(session, record, previously_confirmed_party)`` in the same transaction; returns
        the record, the confirmed party and the time, or None when the request was never
        resolved. Confirming the same party again changes nothing."""
        with self._database.writing() as session:
            row = session.get(ResolutionRow, request_id, with_for_update=True)
            if row is None:
                return None
            if row.confirmed_party_id == party_id and row.confirm_time is not None:
                return dict(row.detail), party_id, row.confirm_time
            previous = row.confirmed_party_id or row.party_id
            now = utc_now()
            row.confirmed_party_id = party_id
            row.confirmed_by = actor
            row.confirm_time = now
            apply(session, dict(row.detail), previous)
            return dict(row.detail), party_id, now

    def confirmation(self, request_id: str) -> tuple[str, str, datetime | None]:
        """The confirmed party, who confirmed it and when ("" and None when not confirmed)."""
        with self._database.reading() as session:
            row = session.get(ResolutionRow, request_id)
            if row is None:
                return "", "", None
            return row.confirmed_party_id, row.confirmed_by, row.confirm_time

    @staticmethod
    def remember_handle(
        session: Session, kind: str, value: str, party_id: str, *, request_id: str, actor: str
    ) -> None:
        """Records, in ``session``, that the sender handle ``value`` is ``party_id``'s."""
        session.execute(
            delete(SenderHandleRow).where(
                SenderHandleRow.value == value, SenderHandleRow.party_id == party_id
            )
        )
        session.execute(
            insert(SenderHandleRow).values(
                value=value,
                party_id=party_id,
                kind=kind,
                request_id=request_id,
                confirmed_by=actor,
                confirm_time=utc_now(),
            )
        )

    @staticmethod
    def forget_handle(session: Session, value: str, party_id: str) -> None:
        """Removes, in ``session``, a handle confirmed for a party (a corrected confirmation)."""
        session.execute(
            delete(SenderHandleRow).where(
                SenderHandleRow.value == value, SenderHandleRow.party_id == party_id
            )
        )

    def confirmed_parties(self, values: Iterable[str]) -> dict[str, list[str]]:
        """For each sender handle, the parties it was confirmed for."""
        unique = sorted(set(values))
        found: dict[str, list[str]] = defaultdict(list)
        if not unique:
            return {}
        with self._database.reading() as session:
            rows = session.execute(
                select(SenderHandleRow.value, SenderHandleRow.party_id).where(
                    SenderHandleRow.value.in_(unique)
                )
            )
            for value, party_id in rows:
                found[value].append(party_id)
        return dict(found)
