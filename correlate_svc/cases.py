"""The case graph as agents and CRMs change it: views, merges and their undoing, splits, closes
and reopens.

A merged case keeps its row, in state ``merged`` and pointing at the case it was merged into, so
that its id (the reference its customer was given) resolves to the survivor; the merge itself is
recorded with the requests it moved, which is what makes it reversible. Every operation runs in
one transaction and locks the rows of the cases it changes (``SELECT … FOR UPDATE`` in id
order; SQLite's single writer does the same), as ``Ledger.correlate`` does before a request
joins a case. Requests that change case go back through the index outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chassis.database import Database
from chassis.errors import (
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
)
from chassis.identifiers import new_id
from chassis.timestamps import utc_now
from correlate_svc.tables import (
    CaseLinkRow,
    CaseMergeRow,
    CaseRow,
    CaseState,
    IndexOutboxRow,
    RequestRow,
)


@dataclass(frozen=True)
class CaseView:
    """A case, its requests in time order, its related cases and the cases merged into it."""

    case: CaseRow
    requests: list[RequestRow]
    related_case_ids: list[str]
    merged_case_ids: list[str]


def resolve_case(session: Session, case_id: str, *, for_update: bool = False) -> CaseRow | None:
    """The case ``case_id`` is, following merges to the surviving case; None when unknown.
    With ``for_update``, each case on the way is locked."""
    seen: set[str] = set()
    while case_id not in seen:
        seen.add(case_id)
        statement = select(CaseRow).where(CaseRow.case_id == case_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        case = session.scalars(statement).one_or_none()
        if case is None or case.state != CaseState.MERGED:
            return case
        case_id = case.merged_into_case_id
    raise RuntimeError(f"case merges loop through {sorted(seen)}")


def view_of(session: Session, case: CaseRow) -> CaseView:
    """The view of a (surviving) case."""
    merged = _merged_into(session, case.case_id)
    family = {case.case_id, *merged}
    requests = list(
        session.scalars(
            select(RequestRow)
            .where(RequestRow.case_id == case.case_id)
            .order_by(RequestRow.sent_time, RequestRow.request_id)
        )
    )
    links = session.execute(
        select(CaseLinkRow.case_id, CaseLinkRow.related_case_id).where(
            or_(CaseLinkRow.case_id.in_(family), CaseLinkRow.related_case_id.in_(family))
        )
    ).all()
    related: set[str] = set()
    for one, other in links:
        for linked in (one, other):
            live = resolve_case(session, linked)
            if live is not None and live.case_id not in family:
                related.add(live.case_id)
    return CaseView(case, requests, sorted(related), sorted(merged))


class Cases:
    """Reads and changes cases in the ledger's database."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def get(self, case_id: str) -> CaseView | None:
        """The case ``case_id`` resolves to, None when there is none."""
        with self._database.reading() as session:
            case = resolve_case(session, case_id)
            return None if case is None else view_of(session, case)

    def merge(self, case_id: str, merged_case_id: str) -> CaseView:
        """Merges ``merged_case_id`` into ``case_id`` and returns the survivor."""
        if case_id == merged_case_id:
            raise InvalidArgumentError(
                "SAME_CASE",
                "a case cannot be merged into itself",
                [FieldViolation("merged_case_id", "must differ from case_id")],
            )
        with self._database.writing() as session:
            survivor, merged = _locked(session, case_id, merged_case_id)
            if merged.state == CaseState.MERGED:
                if merged.merged_into_case_id == survivor.case_id:
                    return view_of(session, survivor)
                raise _merged_error(merged)
            if survivor.state == CaseState.MERGED:
                raise _merged_error(survivor)
            if survivor.party_id and merged.party_id and survivor.party_id != merged.party_id:
                raise FailedPreconditionError(
                    "PARTIES_DIFFER",
                    f"case {survivor.case_id} is party {survivor.party_id}'s and case "
                    f"{merged.case_id} party {merged.party_id}'s: they are not one demand",
                )
            moved = _move_requests(session, merged.case_id, survivor.case_id)
            adopted = not survivor.party_id and bool(merged.party_id)
            session.add(
                CaseMergeRow(
                    merge_id=new_id("merge-"),
                    case_id=survivor.case_id,
                    merged_case_id=merged.case_id,
                    moved_request_ids=moved,
                    merged_state=merged.state,
                    merged_close_time=merged.close_time,
                    adopted_party=adopted,
                    create_time=utc_now(),
                )
            )
            if adopted:
                survivor.party_id = merged.party_id
            merged.state = CaseState.MERGED
            merged.merged_into_case_id = survivor.case_id
            session.flush()
            return view_of(session, survivor)

    def unmerge(self, case_id: str) -> CaseView:
        """Undoes the merge of ``case_id`` and returns it as it was before."""
        with self._database.writing() as session:
            merged = session.get(CaseRow, case_id)
            if merged is None:
                raise _not_found(case_id)
            survivor_id = merged.merged_into_case_id
            if merged.state != CaseState.MERGED:
                raise FailedPreconditionError(
                    "CASE_NOT_MERGED", f"case {case_id} is not merged into another case"
                )
            merged, survivor = _locked(session, case_id, survivor_id)
            if survivor.state == CaseState.MERGED:
                raise FailedPreconditionError(
                    "CASE_MERGED",
                    f"case {survivor.case_id}, which {case_id} was merged into, was itself merged "
                    f"into {survivor.merged_into_case_id}: unmerge it first",
                    {"merged_into_case_id": survivor.merged_into_case_id},
                )
            merge = session.scalars(
                select(CaseMergeRow)
                .where(CaseMergeRow.merged_case_id == case_id, CaseMergeRow.undo_time.is_(None))
                .order_by(CaseMergeRow.create_time.desc())
                .limit(1)
            ).one()
            _move_requests(session, survivor.case_id, merged.case_id, only=merge.moved_request_ids)
            merged.state = merge.merged_state
            merged.close_time = merge.merged_close_time
            merged.merged_into_case_id = ""
            if merge.adopted_party and survivor.party_id == merged.party_id:
                survivor.party_id = ""
            merge.undo_time = utc_now()
            session.flush()
            return view_of(session, merged)

    def split(self, case_id: str, request_ids: Sequence[str]) -> CaseView:
        """Moves ``request_ids`` out of ``case_id`` into a new case, and returns it."""
        wanted = list(dict.fromkeys(request_ids))
        if not wanted:
            raise InvalidArgumentError(
                "NOTHING_TO_SPLIT",
                "a split names the requests to move",
                [FieldViolation("request_ids", "at least one request id")],
            )
        with self._database.writing() as session:
            (source,) = _locked(session, case_id)
            if source.state == CaseState.MERGED:
                raise _merged_error(source)
            held = set(
                session.scalars(select(RequestRow.request_id).where(RequestRow.case_id == case_id))
            )
            outside = [request_id for request_id in wanted if request_id not in held]
            if outside:
                done = _split_already_made(session, case_id, wanted)
                if done is not None:
                    return view_of(session, done)
                raise InvalidArgumentError(
                    "REQUEST_NOT_IN_CASE",
                    f"{len(outside)} of the requests are not in case {case_id}",
                    [
                        FieldViolation(f"request_ids[{wanted.index(r)}]", f"{r} is not in the case")
                        for r in outside
                    ],
                )
            if set(wanted) == held:
                raise FailedPreconditionError(
                    "SPLIT_EMPTIES_CASE",
                    f"moving every request out of case {case_id} would leave it empty",
                )
            first = session.scalars(
                select(RequestRow)
                .where(RequestRow.request_id.in_(wanted))
                .order_by(RequestRow.sent_time, RequestRow.request_id)
                .limit(1)
            ).one()
            split = CaseRow(
                case_id=new_id("case-"),
                party_id=first.party_id or source.party_id,
                category=first.category,
                state=CaseState.OPEN,
                create_time=utc_now(),
                merged_into_case_id="",
                split_from_case_id=case_id,
            )
            session.add(split)
            session.flush()
            _move_requests(session, case_id, split.case_id, only=wanted)
            session.flush()
            return view_of(session, split)

    def close(self, case_id: str, close_time: datetime | None) -> CaseView:
        """Closes the case (at ``close_time``, default now); closing it again changes nothing."""
        with self._database.writing() as session:
            (case,) = _locked(session, case_id)
            if case.state == CaseState.MERGED:
                raise _merged_error(case)
            if case.state == CaseState.OPEN:
                case.state = CaseState.CLOSED
                case.close_time = close_time or utc_now()
                session.flush()
            return view_of(session, case)

    def reopen(self, case_id: str) -> CaseView:
        """Reopens a closed case; reopening an open one changes nothing."""
        with self._database.writing() as session:
            (case,) = _locked(session, case_id)
            if case.state == CaseState.MERGED:
                raise _merged_error(case)
            if case.state == CaseState.CLOSED:
                case.state = CaseState.OPEN
                case.close_time = None
                session.flush()
            return view_of(session, case)


def _locked(session: Session, *case_ids: str) -> list[CaseRow]:
    """The cases, locked in id order (so that two operations never wait on each other in a
    cycle), in the order asked; NotFoundError names the first missing one."""
    rows = {
        row.case_id: row
        for row in session.scalars(
            select(CaseRow)
            .where(CaseRow.case_id.in_(case_ids))
            .order_by(CaseRow.case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    for case_id in case_ids:
        if case_id not in rows:
            raise _not_found(case_id)
    return [rows[case_id] for case_id in case_ids]


def _move_requests(
    session: Session, from_case: str, to_case: str, only: Iterable[str] | None = None
) -> list[str]:
    """Moves requests (all, or ``only`` those) from one case to another, queues them for the
    index, and returns their ids."""
    statement = select(RequestRow).where(RequestRow.case_id == from_case)
    if only is not None:
        statement = statement.where(RequestRow.request_id.in_(list(only)))
    moved = []
    for row in session.scalars(statement.order_by(RequestRow.sent_time, RequestRow.request_id)):
        row.case_id = to_case
        session.add(IndexOutboxRow(request_id=row.request_id))
        moved.append(row.request_id)
    return moved


def _merged_into(session: Session, case_id: str) -> list[str]:
    """Every case whose id resolves to ``case_id`` through one merge or more."""
    found: list[str] = []
    frontier = [case_id]
    while frontier:
        children = list(
            session.scalars(
                select(CaseRow.case_id).where(
                    CaseRow.merged_into_case_id.in_(frontier), CaseRow.state == CaseState.MERGED
                )
            )
        )
        found += children
        frontier = children
    return found


def _split_already_made(session: Session, case_id: str, wanted: Sequence[str]) -> CaseRow | None:
    """The case a split of exactly ``wanted`` out of ``case_id`` made, if it is in place."""
    homes = set(
        session.scalars(select(RequestRow.case_id).where(RequestRow.request_id.in_(wanted)))
    )
    if len(homes) != 1:
        return None
    home = session.get(CaseRow, homes.pop())
    if home is None or home.split_from_case_id != case_id:
        return None
    held = set(
        session.scalars(select(RequestRow.request_id).where(RequestRow.case_id == home.case_id))
    )
    return home if held == set(wanted) else None


def _not_found(case_id: str) -> NotFoundError:
    return NotFoundError("CASE_NOT_FOUND", f"no case {case_id!r}", {"case_id": case_id})


def _merged_error(case: CaseRow) -> FailedPreconditionError:
    return FailedPreconditionError(
        "CASE_MERGED",
        f"case {case.case_id} was merged into {case.merged_into_case_id}: act on that case",
        {"merged_into_case_id": case.merged_into_case_id},
    )
