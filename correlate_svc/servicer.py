"""gRPC surface of the correlate service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

from typing import Any

import grpc

from chassis.errors import FieldViolation, InvalidArgumentError, NotFoundError
from chassis.timestamps import from_timestamp, to_timestamp, utc_now
from chassis.vocabulary import Channel
from chassis.workers import BlockingPool
from conflux.correlate.v1 import correlate_service_pb2 as pb
from conflux.correlate.v1 import correlate_service_pb2_grpc as pb_grpc
from correlate_svc.cases import Cases, CaseView
from correlate_svc.decision import Decision
from correlate_svc.index_feeder import IndexFeeder
from correlate_svc.ledger import Ledger, NewRequest
from correlate_svc.tables import CaseState

_DECISIONS = {
    Decision.DUPLICATE: pb.DECISION_DUPLICATE,
    Decision.RELATED: pb.DECISION_RELATED,
    Decision.NEW: pb.DECISION_NEW,
}
_STATES = {CaseState.OPEN: pb.CASE_STATE_OPEN, CaseState.CLOSED: pb.CASE_STATE_CLOSED}


class CorrelateServicer(pb_grpc.CorrelateServiceServicer):
    """Correlation decisions and cases."""

    def __init__(
        self, ledger: Ledger, cases: Cases, feeder: IndexFeeder, pool: BlockingPool
    ) -> None:
        self._ledger = ledger
        self._cases = cases
        self._feeder = feeder
        self._pool = pool

    async def Correlate(
        self, request: pb.CorrelateRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.CorrelateResponse:
        """Decides the request's case (once per request id)."""
        qualified = request.request
        violations = []
        if not qualified.request_id:
            violations.append(FieldViolation("request.request_id", "required"))
        channel = Channel.from_proto(qualified.channel)
        if channel is None:
            violations.append(FieldViolation("request.channel", "required"))
        if violations or channel is None:
            raise InvalidArgumentError(
                "INVALID_REQUEST", "the request cannot be correlated", violations
            )
        sent = from_timestamp(qualified.sent_time, present=qualified.HasField("sent_time"))
        correlation = await self._pool.run(
            self._ledger.correlate,
            NewRequest(
                request_id=qualified.request_id,
                channel=channel.value,
                party_id=qualified.party_id,
                category=qualified.category,
                subject=qualified.subject,
                text=qualified.text,
                sent_time=sent or utc_now(),
                references=tuple(dict.fromkeys(qualified.references)),
                attachment_sha256s=tuple(dict.fromkeys(qualified.attachment_sha256s)),
                case_references=tuple(qualified.case_references),
            ),
        )
        self._feeder.wake()
        return pb.CorrelateResponse(
            decision=_DECISIONS[correlation.decision],
            case_id=correlation.case_id,
            matched_request_id=correlation.matched_request_id,
            score=correlation.score,
            explanation=correlation.explanation,
        )

    async def GetCase(
        self, request: pb.GetCaseRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetCaseResponse:
        """The case (or the case it was merged into) with its timeline, or NOT_FOUND."""
        _require(case_id=request.case_id)
        view = await self._pool.run(self._cases.get, request.case_id)
        if view is None:
            raise NotFoundError("CASE_NOT_FOUND", f"no case {request.case_id!r}")
        return pb.GetCaseResponse(case=_case_message(view))

    async def MergeCases(
        self, request: pb.MergeCasesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.MergeCasesResponse:
        """Merges ``merged_case_id`` into ``case_id``."""
        _require(case_id=request.case_id, merged_case_id=request.merged_case_id)
        view = await self._pool.run(self._cases.merge, request.case_id, request.merged_case_id)
        self._feeder.wake()
        return pb.MergeCasesResponse(case=_case_message(view))

    async def UnmergeCase(
        self, request: pb.UnmergeCaseRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.UnmergeCaseResponse:
        """Undoes the merge of ``case_id``."""
        _require(case_id=request.case_id)
        view = await self._pool.run(self._cases.unmerge, request.case_id)
        self._feeder.wake()
        return pb.UnmergeCaseResponse(case=_case_message(view))

    async def SplitCase(
        self, request: pb.SplitCaseRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.SplitCaseResponse:
        """Moves ``request_ids`` out of ``case_id`` into a new case."""
        _require(case_id=request.case_id)
        view = await self._pool.run(self._cases.split, request.case_id, list(request.request_ids))
        self._feeder.wake()
        return pb.SplitCaseResponse(case=_case_message(view))

    async def CloseCase(
        self, request: pb.CloseCaseRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.CloseCaseResponse:
        """Closes ``case_id``."""
        _require(case_id=request.case_id)
        closed = from_timestamp(request.close_time, present=request.HasField("close_time"))
        view = await self._pool.run(self._cases.close, request.case_id, closed)
        return pb.CloseCaseResponse(case=_case_message(view))

    async def ReopenCase(
        self, request: pb.ReopenCaseRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ReopenCaseResponse:
        """Reopens ``case_id``."""
        _require(case_id=request.case_id)
        view = await self._pool.run(self._cases.reopen, request.case_id)
        return pb.ReopenCaseResponse(case=_case_message(view))


def _require(**case_ids: str) -> None:
    """INVALID_ARGUMENT naming each empty case id field."""
    violations = [FieldViolation(name, "required") for name, value in case_ids.items() if not value]
    if violations:
        raise InvalidArgumentError("INVALID_REQUEST", "a case id is missing", violations)


def _case_message(view: CaseView) -> pb.Case:
    case = view.case
    return pb.Case(
        case_id=case.case_id,
        party_id=case.party_id,
        category=case.category,
        state=_STATES[CaseState(case.state)],
        create_time=to_timestamp(case.create_time),
        close_time=to_timestamp(case.close_time),
        requests=[
            pb.CaseRequest(
                request_id=row.request_id,
                channel=Channel(row.channel).to_proto(),
                sent_time=to_timestamp(row.sent_time),
                decision=_DECISIONS[Decision(row.decision)],
                subject=row.subject,
                matched_request_id=row.matched_request_id,
                explanation=row.explanation,
            )
            for row in view.requests
        ],
        related_case_ids=view.related_case_ids,
        merged_case_ids=view.merged_case_ids,
        split_from_case_id=case.split_from_case_id,
    )
