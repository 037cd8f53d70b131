"""The ledger, system of record of requests and cases, and the decision made under its lock.

``Ledger.correlate`` runs in one transaction: it takes the locks of the request's party and
references (PostgreSQL advisory locks; the embedded SQLite store has a single writer), returns
the kept decision if the request was already correlated, otherwise gathers candidates from the
index *and* from the ledger's requests not yet indexed (the outbox), decides, and writes the
request, its case and an outbox entry. Two parts of one demand arriving together therefore see
each other, and the second joins the first one's case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.identifiers import new_id
from chassis.search import SearchIndex
from chassis.timestamps import as_utc, utc_now
from correlate_svc.decision import Decision, Outcome, RequestFacts, Thresholds, Weights, decide
from correlate_svc.request_index import candidate_query
from correlate_svc.tables import CaseLinkRow, CaseRow, IndexOutboxRow, RequestRow

OPEN = "open"
CLOSED = "closed"
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


@dataclass(frozen=True)
class Correlation:
    """The decision kept for a request."""

    decision: Decision
    case_id: str
    matched_request_id: str
    score: float
    explanation: str


@dataclass(frozen=True)
class CaseView:
    """A case, its requests in time order and its related cases."""

    case: CaseRow
    requests: list[RequestRow]
    related_case_ids: list[str] = field(default_factory=list)


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
            candidates = self._candidates(session, request)
            outcome = decide(facts, candidates, self._weights, self._thresholds)
            row = self._record(session, request, outcome)
            return _correlation(row)

    def get_case(self, case_id: str) -> CaseView | None:
        """The case with its requests and related cases."""
        with self._database.reading() as session:
            case = session.get(CaseRow, case_id)
            if case is None:
                return None
            requests = list(
                session.scalars(
                    select(RequestRow)
                    .where(RequestRow.case_id == case_id)
                    .order_by(RequestRow.sent_time, RequestRow.request_id)
                )
            )
            related = session.scalars(
                select(CaseLinkRow.related_case_id).where(CaseLinkRow.case_id == case_id)
            ).all()
            back = session.scalars(
                select(CaseLinkRow.case_id).where(CaseLinkRow.related_case_id == case_id)
            ).all()
            return CaseView(case, requests, sorted({*related, *back}))

    def pending_index_batch(self, limit: int) -> tuple[int, list[RequestRow]]:
        """The oldest outbox entries (up to ``limit``): their last position and their requests."""
        with self._database.reading() as session:
            entries = session.execute(
                select(IndexOutboxRow.position, IndexOutboxRow.request_id)
                .order_by(IndexOutboxRow.position)
                .limit(limit)
            ).all()
            if not entries:
                return 0, []
            ids = {request_id for _, request_id in entries}
            rows = list(session.scalars(select(RequestRow).where(RequestRow.request_id.in_(ids))))
            return entries[-1][0], rows

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
        ids = {hit.id for hit in self._index.search(query, _CANDIDATE_LIMIT)}
        anchors = {request.party_id} - {""}
        unindexed = session.scalars(
            select(RequestRow)
            .join(IndexOutboxRow, IndexOutboxRow.request_id == RequestRow.request_id)
            .where(RequestRow.sent_time >= since)
        )
        for row in unindexed:
            if (
                (row.party_id and row.party_id in anchors)
                or set(row.references) & set(request.references)
                or set(row.attachment_sha256s) & set(request.attachment_sha256s)
            ):
                ids.add(row.request_id)
        if not ids:
            return []
        now = utc_now()
        rows = session.execute(
            select(RequestRow, CaseRow)
            .join(CaseRow, CaseRow.case_id == RequestRow.case_id)
            .where(RequestRow.request_id.in_(ids))
        ).all()
        return [
            _facts_of_row(row)
            for row, case in rows
            if case.state == OPEN
            or (
                case.close_time is not None and now - as_utc(case.close_time) <= self._reopen_window
            )
        ]

    def _record(self, session: Session, request: NewRequest, outcome: Outcome) -> RequestRow:
        now = utc_now()
        matched = outcome.matched
        if outcome.decision is Decision.DUPLICATE and matched is not None:
            case_id = matched.case_id
        else:
            case_id = new_id("case-")
            session.add(
                CaseRow(
                    case_id=case_id,
                    party_id=request.party_id,
                    category=request.category,
                    state=OPEN,
                    create_time=now,
                )
            )
            session.flush()
            if outcome.decision is Decision.RELATED and matched is not None:
                session.add(CaseLinkRow(case_id=case_id, related_case_id=matched.case_id))
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


def _facts_of_row(row: RequestRow) -> RequestFacts:
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
