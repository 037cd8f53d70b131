"""Pipeline state per request: admission from the feed, claims, step outcomes, replays.

Every change is one transaction. A worker *claims* a due request by setting a lease; a worker
that dies leaves a lease that expires, and the request is claimed again: after a crash every
admitted request finishes, and since each step is idempotent by request id, none is decided
twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from chassis.database import Database
from chassis.timestamps import utc_now
from gateway.tables import FeedCursorRow, PipelineRow, StepOutcomeRow

PROCESSING = "processing"
DONE = "done"
FAILED = "failed"
TRIAGE = "triage"
STEPS = ("ocr", "identify", "classify", "correlate")
FEED = "ingest"


@dataclass(frozen=True)
class Admission:
    """An item from the feed to admit; ``triage`` is ingest's reason when it needs a human."""

    request_id: str
    sequence: int
    channel: str
    source: str
    subject: str
    triage: str


class PipelineStore:
    """The gateway's tables."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def cursor(self) -> str:
        """The feed cursor, empty at the start."""
        with self._database.reading() as session:
            row = session.get(FeedCursorRow, FEED)
            return row.token if row is not None else ""

    def admit(self, admissions: Sequence[Admission], token: str) -> int:
        """Admits new requests and moves the cursor, atomically; returns how many were new."""
        now = utc_now()
        created = 0
        with self._database.writing() as session:
            known = set(
                session.scalars(
                    select(PipelineRow.request_id).where(
                        PipelineRow.request_id.in_([a.request_id for a in admissions])
                    )
                )
            )
            for admission in admissions:
                if admission.request_id in known:
                    continue
                created += 1
                session.add(
                    PipelineRow(
                        request_id=admission.request_id,
                        item_sequence=admission.sequence,
                        channel=admission.channel,
                        source=admission.source[:1000],
                        subject=admission.subject,
                        state=TRIAGE if admission.triage else PROCESSING,
                        state_reason=admission.triage,
                        next_step="" if admission.triage else STEPS[0],
                        attempts=0,
                        next_attempt_time=now,
                        results={},
                        create_time=now,
                        update_time=now,
                    )
                )
            cursor = session.get(FeedCursorRow, FEED)
            if cursor is None:
                session.add(FeedCursorRow(name=FEED, token=token))
            else:
                cursor.token = token
        return created

    def claim(self, lease: timedelta) -> PipelineRow | None:
        """A due request, leased for ``lease``; None when nothing is due."""
        now = utc_now()
        with self._database.writing() as session:
            query = (
                select(PipelineRow)
                .where(
                    PipelineRow.state == PROCESSING,
                    PipelineRow.next_attempt_time <= now,
                    or_(PipelineRow.lease_until.is_(None), PipelineRow.lease_until < now),
                )
                .order_by(PipelineRow.next_attempt_time, PipelineRow.item_sequence)
                .limit(1)
            )
            if not self._database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            row = session.scalars(query).first()
            if row is None:
                return None
            row.lease_until = now + lease
            return row

    def renew(self, request_id: str, lease: timedelta) -> None:
        """Extends the lease of a request being processed (the worker is alive)."""
        with self._database.writing() as session:
            row = session.get(PipelineRow, request_id)
            if row is not None and row.lease_until is not None:
                row.lease_until = utc_now() + lease

    def release_leases_of_a_previous_run(self) -> int:
        """Frees every lease, at the start of the only process writing this store.

        Only for the embedded store (SQLite has one writer process): leases left by a crash
        then belong to no live worker. With PostgreSQL, leases expire instead.
        """
        if not self._database.is_sqlite:
            return 0
        with self._database.writing() as session:
            rows = list(
                session.scalars(select(PipelineRow).where(PipelineRow.lease_until.is_not(None)))
            )
            for row in rows:
                row.lease_until = None
            return len(rows)

    def set_trace_parent(self, request_id: str, trace_parent: str) -> None:
        """Keeps the W3C traceparent of the request's trace, for the steps resumed later."""
        with self._database.writing() as session:
            row = session.get(PipelineRow, request_id)
            if row is not None and not row.trace_parent:
                row.trace_parent = trace_parent

    def succeed(self, request_id: str, step: str, result: dict[str, Any], lease: timedelta) -> bool:
        """Records ``step``'s result and moves to the next step, keeping the lease for it; or
        finishes the request. Returns False when the outcome is stale (replayed meanwhile)."""
        now = utc_now()
        with self._database.writing() as session:
            row = session.get(PipelineRow, request_id)
            if row is None or row.next_step != step:
                return False  # replayed or finished meanwhile: this outcome is stale
            row.results = {**row.results, step: result}
            outcome = _outcome(row, step, now)
            outcome.attempts += 1
            outcome.succeeded = True
            outcome.last_error = ""
            position = STEPS.index(step)
            row.attempts = 0
            row.next_attempt_time = now
            row.update_time = now
            if position + 1 < len(STEPS):
                row.next_step = STEPS[position + 1]
                row.lease_until = now + lease
            else:
                row.next_step = ""
                row.state = DONE
                row.state_reason = ""
                row.lease_until = None
            return True

    def fail(self, request_id: str, step: str, error: str, retry_at: datetime | None) -> None:
        """Records a failed attempt: retried at ``retry_at``, or parked when it is None."""
        now = utc_now()
        with self._database.writing() as session:
            row = session.get(PipelineRow, request_id)
            if row is None or row.next_step != step:
                return
            outcome = _outcome(row, step, now)
            outcome.attempts += 1
            outcome.last_error = error
            row.attempts += 1
            row.lease_until = None
            row.update_time = now
            if retry_at is None:
                row.state = FAILED
                row.state_reason = f"{step} failed after {row.attempts} attempts: {error}"
            else:
                row.next_attempt_time = retry_at

    def replay(self, request_id: str) -> PipelineRow | None:
        """Puts a request back at its first step; None when it does not exist."""
        now = utc_now()
        with self._database.writing() as session:
            row = session.get(PipelineRow, request_id)
            if row is None:
                return None
            row.state = PROCESSING
            row.state_reason = ""
            row.next_step = STEPS[0]
            row.attempts = 0
            row.next_attempt_time = now
            row.lease_until = None
            row.update_time = now
            return row

    def get(self, request_id: str) -> PipelineRow | None:
        """The request's pipeline state."""
        with self._database.reading() as session:
            return session.get(PipelineRow, request_id)

    def page(self, before: int | None, limit: int) -> list[PipelineRow]:
        """Requests newest first, before the feed position ``before``."""
        with self._database.reading() as session:
            query = select(PipelineRow).order_by(PipelineRow.item_sequence.desc()).limit(limit)
            if before is not None:
                query = query.where(PipelineRow.item_sequence < before)
            return list(session.scalars(query))


def _outcome(row: PipelineRow, step: str, now: datetime) -> StepOutcomeRow:
    for outcome in row.steps:
        if outcome.step == step:
            outcome.update_time = now
            return outcome
    outcome = StepOutcomeRow(
        request_id=row.request_id,
        step=step,
        position=STEPS.index(step),
        attempts=0,
        succeeded=False,
        last_error="",
        update_time=now,
    )
    row.steps.append(outcome)
    return outcome
