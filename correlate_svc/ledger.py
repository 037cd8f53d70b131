"""The ledger, system of record of requests and cases, and the decision made under its lock.

``Ledger.correlate`` runs in one transaction: it takes the locks of the request's party and
references (PostgreSQL advisory locks; the embedded SQLite store has a single writer), returns
the kept decision if the request was already correlated, otherwise follows a case the request
references when it may (``case_references``), or else gathers candidates from the index *and*
from the ledger's requests not yet indexed (the outbox) and decides; then it writes the request,
its case and an outbox entry. Two parts of one demand arriving together therefore see each
other, and the second joins the first one's case. The case a request joins is locked and
resolved through merges as it is written, so that a merge or a close running at the same time
never leaves a request in a merged-away case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Text, and_, cast, delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.identifiers import new_id
from chassis.search import SearchIndex
from chassis.timestamps import as_utc, utc_now
from correlate_svc.case_references import case_references, follow_up
from correlate_svc.cases import resolve_case
from correlate_svc.decision import Decision, Outcome, RequestFacts, Thresholds, Weights, decide
from correlate_svc.request_index import INDEXED_COLUMNS, IndexedRequest, candidate_query
from correlate_svc.tables import CaseLinkRow, CaseRow, CaseState, IndexOutboxRow, RequestRow

_CANDIDATE_LIMIT = 50


@dataclass(frozen=True)
class NewRequest:
    """A qualified request to correlate."""

    request_id: str
    channel: str
    party_id: str
    category: str
    subject: str
    text: str
    sent_time: datetime
    references: tuple[str, ...] = ()
    attachment_sha256s: tuple[str, ...] = ()
    case_references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Correlation:
    """The decision kept for a request."""

    decision: Decision
    case_id: str
    matched_request_id: str
    score: float
    explanation: str


class Ledger:
    """Requests, cases and links; correlation decisions; the index outbox."""

    def __init__(
        self,
        database: Database,
        index: SearchIndex,
        weights: Weights,
        thresholds: Thresholds,
        reopen_window: timedelta,
    ) -> None:
        self._database = database
        self._index = index
        self._weights = weights
        self._thresholds = thresholds
        self._reopen_window = reopen_window

    def correlate(self, request: NewRequest) -> Correlation:
        """Decides ``request``'s case once; a repeated call returns the kept decision."""
        with self._database.writing() as session:
            self._lock(session, request)
            kept = session.get(RequestRow, request.request_id)
            if kept is not None:
                return _correlation(kept)
            facts = _facts_of_new(request)
            references = case_references(request.case_references, request.subject, request.text)
            outcome, notes = self._follow_references(session, facts, references)
            if outcome is None:
                outcome = decide(
                    facts, self._candidates(session, request), self._weights, self._thresholds
                )
            if notes:
                outcome = replace(outcome, explanation="; ".join([outcome.explanation, *notes]))
            row = self._record(session, request, references, outcome)
            return _correlation(row)

    def pending_index_batch(self, limit: int) -> tuple[int, Sequence[IndexedRequest]]:
        """The oldest outbox entries (up to ``limit``): their last position and their requests."""
        with self._database.reading() as session:
            rows = session.execute(
                select(IndexOutboxRow.position, *INDEXED_COLUMNS)
                .join(RequestRow, RequestRow.request_id == IndexOutboxRow.request_id)
                .order_by(IndexOutboxRow.position)
                .limit(limit)
            ).all()
            return (rows[-1].position if rows else 0), rows

    def acknowledge_indexed(self, up_to: int) -> None:
        """Removes outbox entries up to ``up_to`` once their requests are in the index."""
        with self._database.writing() as session:
            session.execute(delete(IndexOutboxRow).where(IndexOutboxRow.position <= up_to))

    def enqueue_all(self) -> int:
        """Puts every ledger request in the outbox (to rebuild the index); returns how many."""
        with self._database.writing() as session:
            session.execute(delete(IndexOutboxRow))
            session.execute(
                insert(IndexOutboxRow).from_select(
                    ["request_id"], select(RequestRow.request_id).order_by(RequestRow.sent_time)
                )
            )
            count: int = session.scalar(select(func.count()).select_from(IndexOutboxRow)) or 0
            return count

    def _lock(self, session: Session, request: NewRequest) -> None:
        if self._database.is_sqlite:
            return  # the embedded store's single writer already serialises decisions
        keys = sorted(
            {f"request:{request.request_id}"}
            | ({f"party:{request.party_id}"} if request.party_id else set())
            | {f"reference:{reference}" for reference in request.references}
            | {f"attachment:{sha}" for sha in request.attachment_sha256s}
        )
        for key in keys:  # sorted: two transactions take shared keys in the same order
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(key)})

    def _follow_references(
        self, session: Session, new: RequestFacts, references: Sequence[str]
    ) -> tuple[Outcome | None, list[str]]:
        """The outcome of following the first referenced case the request may join (None when
        there is none), and notes on the references it may not follow."""
        notes: list[str] = []
        for reference in references:
            case = resolve_case(session, reference)
            if case is None:
                continue
            requests = [
                _facts_of(row)
                for row in session.scalars(
                    select(RequestRow).where(RequestRow.case_id == case.case_id)
                )
            ]
            followed = follow_up(
                new,
                case.case_id,
                case.party_id,
                requests,
                weights=self._weights,
                thresholds=self._thresholds,
            )
            if not followed.joins:
                notes.append(followed.explanation)
                continue
            best = followed.best
            if best is None:
                continue  # a case without requests: nothing to attach to
            if not self._attracts(case):
                return Outcome(
                    Decision.RELATED,
                    best.candidate,
                    best.score,
                    f"new case related to {case.case_id}: it references that case, closed "
                    f"{case.close_time:%Y-%m-%d}, beyond the reopen window",
                ), notes
            return Outcome(
                Decision.DUPLICATE,
                best.candidate,
                best.score,
                f"{followed.explanation}; closest request {best.candidate.request_id}, "
                f"score {best.score:.2f}",
            ), notes
        return None, notes

    def _attracts(self, case: CaseRow) -> bool:
        """Open cases, and cases closed within the reopen window, attract new requests."""
        return self._attracts_state(case.state, case.close_time)

    def _attracts_state(self, state: str, close_time: datetime | None) -> bool:
        if state == CaseState.OPEN:
            return True
        return close_time is not None and (utc_now() - as_utc(close_time) <= self._reopen_window)

    def _candidates(self, session: Session, request: NewRequest) -> list[RequestFacts]:
        since = as_utc(request.sent_time) - self._thresholds.window
        query = candidate_query(
            request.party_id,
            request.references,
            request.attachment_sha256s,
            f"{request.subject}\n{request.text}",
            since,
        )
        if query is None:
            return []
        indexed = [hit.id for hit in self._index.search(query, _CANDIDATE_LIMIT)]
        # One round trip: the index's hits, and the outbox's requests (not searchable yet) of
        # the same party or quoting a reference or attachment, matched on the JSON text first
        # (portable, and the outbox is short), then exactly below.
        anchors = []
        if request.party_id:
            anchors.append(RequestRow.party_id == request.party_id)
        for column, values in (
            (RequestRow.references, request.references),
            (RequestRow.attachment_sha256s, request.attachment_sha256s),
        ):
            anchors += [cast(column, Text).contains(json.dumps(value)) for value in values]
        unindexed = and_(
            RequestRow.request_id.in_(select(IndexOutboxRow.request_id)),
            RequestRow.sent_time >= since,
            or_(*anchors),
        )
        rows = session.execute(
            select(*_CANDIDATE_COLUMNS, CaseRow.state, CaseRow.close_time)
            .join(CaseRow, CaseRow.case_id == RequestRow.case_id)
            .where(or_(RequestRow.request_id.in_(indexed), unindexed))
        ).all()
        return [
            _facts_of(row)
            for row in rows
            if self._attracts_state(row.state, row.close_time)
            and (
                row.request_id in indexed
                or (request.party_id and row.party_id == request.party_id)
                or set(row.references) & set(request.references)
                or set(row.attachment_sha256s) & set(request.attachment_sha256s)
            )
        ]

    def _record(
        self,
        session: Session,
        request: NewRequest,
        references: Sequence[str],
        outcome: Outcome,
    ) -> RequestRow:
        now = utc_now()
        matched = outcome.matched
        joined = None
        if outcome.decision is Decision.DUPLICATE and matched is not None:
            joined = resolve_case(session, matched.case_id, for_update=True)
        if joined is not None:
            case_id = joined.case_id
            if (
                joined.state == CaseState.CLOSED
                and joined.close_time is not None
                and as_utc(request.sent_time) > as_utc(joined.close_time)
            ):
                # Written after the close: the demand is not settled. Copies sent before the
                # close (a letter crossing the answer in the post) leave it closed.
                joined.state = CaseState.OPEN
                joined.close_time = None
        else:
            case_id = new_id("case-")
            session.add(
                CaseRow(
                    case_id=case_id,
                    party_id=request.party_id,
                    category=request.category,
                    state=CaseState.OPEN,
                    create_time=now,
                    merged_into_case_id="",
                    split_from_case_id="",
                )
            )
            session.flush()
            related = resolve_case(session, matched.case_id) if matched is not None else None
            if outcome.decision is Decision.RELATED and related is not None:
                session.add(CaseLinkRow(case_id=case_id, related_case_id=related.case_id))
        row = RequestRow(
            request_id=request.request_id,
            case_id=case_id,
            channel=request.channel,
            party_id=request.party_id,
            category=request.category,
            subject=request.subject,
            text=request.text,
            sent_time=request.sent_time,
            references=list(request.references),
            attachment_sha256s=list(request.attachment_sha256s),
            case_references=list(references),
            decision=outcome.decision.value,
            matched_request_id=matched.request_id if matched else "",
            score=outcome.score,
            explanation=outcome.explanation,
            create_time=now,
        )
        session.add(row)
        session.add(IndexOutboxRow(request_id=request.request_id))
        return row


def _lock_key(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def _facts_of_new(request: NewRequest) -> RequestFacts:
    return RequestFacts(
        request_id=request.request_id,
        party_id=request.party_id,
        category=request.category,
        channel=request.channel,
        subject=request.subject,
        text=request.text,
        sent_time=as_utc(request.sent_time),
        references=frozenset(request.references),
        attachment_sha256s=frozenset(request.attachment_sha256s),
    )


_CANDIDATE_COLUMNS = (
    RequestRow.request_id,
    RequestRow.party_id,
    RequestRow.category,
    RequestRow.channel,
    RequestRow.subject,
    RequestRow.text,
    RequestRow.sent_time,
    RequestRow.references,
    RequestRow.attachment_sha256s,
    RequestRow.case_id,
)
"""What scoring reads of a candidate: selected as columns, cheaper than whole rows."""


class _CandidateColumns(Protocol):
    request_id: str
    party_id: str
    category: str
    channel: str
    subject: str
    text: str
    sent_time: datetime
    references: list[str]
    attachment_sha256s: list[str]
    case_id: str


def _facts_of(row: _CandidateColumns) -> RequestFacts:
    """What correlation knows of a ledger request (a row, or the columns a query selected)."""
    return RequestFacts(
        request_id=row.request_id,
        party_id=row.party_id,
        category=row.category,
        channel=row.channel,
        subject=row.subject,
        text=row.text,
        sent_time=as_utc(row.sent_time),
        references=frozenset(row.references),
        attachment_sha256s=frozenset(row.attachment_sha256s),
        case_id=row.case_id,
    )


def _correlation(row: RequestRow) -> Correlation:
    return Correlation(
        decision=Decision(row.decision),
        case_id=row.case_id,
        matched_request_id=row.matched_request_id,
        score=row.score,
        explanation=row.explanation,
    )
