"""gRPC surface of the gateway: protobuf in, domain call, protobuf out."""

from __future__ import annotations

from typing import Any

import grpc

from chassis.errors import NotFoundError
from chassis.pagination import decode_token, next_page, page_size
from chassis.timestamps import to_timestamp
from chassis.vocabulary import Channel, channel_proto
from chassis.workers import BlockingPool
from conflux.gateway.v1 import gateway_service_pb2 as pb
from conflux.gateway.v1 import gateway_service_pb2_grpc as pb_grpc
from gateway.pipeline import Pipeline
from gateway.pipeline_store import DONE, FAILED, STEPS, TRIAGE, PipelineStore
from gateway.tables import PipelineRow

_LIST_TOKEN = "gateway.requests"
_STATES = {
    DONE: pb.REQUEST_STATE_DONE,
    FAILED: pb.REQUEST_STATE_FAILED,
    TRIAGE: pb.REQUEST_STATE_TRIAGE,
}
_STEPS = {name: pb.Step.Value(f"STEP_{name.upper()}") for name in STEPS}
_CORRELATIONS = {
    "duplicate": pb.CORRELATION_DUPLICATE,
    "related": pb.CORRELATION_RELATED,
    "new": pb.CORRELATION_NEW,
}


class GatewayServicer(pb_grpc.GatewayServiceServicer):
    """Results of requests, and replays."""

    def __init__(self, store: PipelineStore, pipeline: Pipeline, pool: BlockingPool) -> None:
        self._store = store
        self._pipeline = pipeline
        self._pool = pool

    async def GetRequest(
        self, request: pb.GetRequestRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetRequestResponse:
        """The request's result so far, or NOT_FOUND (not yet taken from the feed, or unknown)."""
        row = await self._pool.run(self._store.get, request.request_id)
        if row is None:
            raise NotFoundError("REQUEST_NOT_FOUND", f"no request {request.request_id!r} (yet)")
        return pb.GetRequestResponse(request=request_message(row))

    async def ListRequests(
        self, request: pb.ListRequestsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListRequestsResponse:
        """Requests, newest first."""
        size = page_size(request.page_size)
        position = decode_token(_LIST_TOKEN, request.page_token)
        before = int(position["before"]) if position else None
        fetched = await self._pool.run(self._store.page, before, size + 1)
        rows, token = next_page(
            fetched, size, _LIST_TOKEN, lambda row: {"before": row.item_sequence}
        )
        return pb.ListRequestsResponse(
            requests=[request_message(row) for row in rows], next_page_token=token
        )

    async def ReplayRequest(
        self, request: pb.ReplayRequestRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ReplayRequestResponse:
        """Back to the first step; the steps' idempotency gives the same case."""
        row = await self._pool.run(self._store.replay, request.request_id)
        if row is None:
            raise NotFoundError("REQUEST_NOT_FOUND", f"no request {request.request_id!r}")
        self._pipeline.wake()
        return pb.ReplayRequestResponse(request=request_message(row))


def request_message(row: PipelineRow) -> pb.Request:
    """The protobuf form of a request's pipeline state and results."""
    identify = row.results.get("identify", {})
    classify = row.results.get("classify", {})
    correlate = row.results.get("correlate", {})
    explanations = [*identify.get("evidence", [])]
    if correlate.get("explanation"):
        explanations.append(correlate["explanation"])
    return pb.Request(
        request_id=row.request_id,
        case_id=correlate.get("case_id", ""),
        channel=channel_proto(Channel(row.channel) if row.channel else None),
        source=row.source,
        party_id=identify.get("party_id", ""),
        identity_confidence=identify.get("confidence", 0.0),
        identity_decision=identify.get("decision", ""),
        category=classify.get("category", ""),
        category_probability=classify.get("probability", 0.0),
        category_abstained=bool(classify.get("abstained", False)),
        correlation=_CORRELATIONS.get(correlate.get("decision", ""), pb.CORRELATION_UNSPECIFIED),
        matched_request_id=correlate.get("matched_request_id", ""),
        correlation_score=correlate.get("score", 0.0),
        state=_STATES.get(row.state, pb.REQUEST_STATE_PROCESSING),
        state_reason=row.state_reason,
        steps=[
            pb.StepOutcome(
                step=_STEPS[outcome.step],
                attempts=outcome.attempts,
                succeeded=outcome.succeeded,
                last_error=outcome.last_error,
                update_time=to_timestamp(outcome.update_time),
            )
            for outcome in row.steps
        ],
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        subject=row.subject,
        explanations=explanations,
    )
