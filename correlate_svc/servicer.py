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
from correlate_svc.decision import Decision
from correlate_svc.index_feeder import IndexFeeder
from correlate_svc.ledger import OPEN, Ledger, NewRequest

_DECISIONS = {
    Decision.DUPLICATE: pb.DECISION_DUPLICATE,
    Decision.RELATED: pb.DECISION_RELATED,
    Decision.NEW: pb.DECISION_NEW,
}


class CorrelateServicer(pb_grpc.CorrelateServiceServicer):
    """Correlation decisions and cases."""

    def __init__(self, ledger: Ledger, feeder: IndexFeeder, pool: BlockingPool) -> None:
        self._ledger = ledger
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
        """The case with its timeline, or NOT_FOUND."""
        view = await self._pool.run(self._ledger.get_case, request.case_id)
        if view is None:
            raise NotFoundError("CASE_NOT_FOUND", f"no case {request.case_id!r}")
        case = view.case
        return pb.GetCaseResponse(
            case=pb.Case(
                case_id=case.case_id,
                party_id=case.party_id,
                category=case.category,
                state=pb.CASE_STATE_OPEN if case.state == OPEN else pb.CASE_STATE_CLOSED,
                create_time=to_timestamp(case.create_time),
                requests=[
                    pb.CaseRequest(
                        request_id=row.request_id,
                        channel=Channel(row.channel).to_proto(),
                        sent_time=to_timestamp(row.sent_time),
                        decision=_DECISIONS[Decision(row.decision)],
                        subject=row.subject,
                    )
                    for row in view.requests
                ],
                related_case_ids=view.related_case_ids,
            )
        )
