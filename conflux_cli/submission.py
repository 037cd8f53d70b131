"""Submitting items to ingest and following them to their result at the gateway."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc

from chassis.errors import read_error_details
from conflux.gateway.v1 import gateway_service_pb2, gateway_service_pb2_grpc
from conflux.ingest.v1 import ingest_service_pb2, ingest_service_pb2_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli.inbox_files import FileItem

UPLOAD_CHUNK_BYTES = 1024 * 1024
_STREAM_ABOVE_BYTES = 4 * 1024 * 1024
_TERMINAL = (
    gateway_service_pb2.REQUEST_STATE_DONE,
    gateway_service_pb2.REQUEST_STATE_FAILED,
    gateway_service_pb2.REQUEST_STATE_TRIAGE,
)


@dataclass(frozen=True)
class Accepted:
    """An item ingest stored: its request id and whether it was new."""

    origin: str
    request_id: str
    created: bool


@dataclass(frozen=True)
class Refused:
    """An item ingest refused, with the status and details it gave."""

    origin: str
    error: dict[str, Any]


async def submit(channel: grpc.aio.Channel, item: FileItem) -> Accepted | Refused:
    """Sends one item (streamed when large) and returns what ingest answered."""
    stub = ingest_service_pb2_grpc.IngestServiceStub(channel)
    try:
        if len(item.raw) > _STREAM_ABOVE_BYTES:
            uploaded = await stub.UploadItem(_upload(item), timeout=120)
            return Accepted(item.origin, uploaded.item.item_id, uploaded.created)
        submitted = await stub.SubmitItem(
            ingest_service_pb2.SubmitItemRequest(header=item.header, raw=item.raw), timeout=60
        )
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAUTHENTICATED):
            raise
        return Refused(item.origin, error_dict(error))
    return Accepted(item.origin, submitted.item.item_id, submitted.created)


async def _upload(item: FileItem) -> AsyncIterator[ingest_service_pb2.UploadItemRequest]:
    yield ingest_service_pb2.UploadItemRequest(header=item.header)
    for start in range(0, len(item.raw), UPLOAD_CHUNK_BYTES):
        yield ingest_service_pb2.UploadItemRequest(
            chunk=item.raw[start : start + UPLOAD_CHUNK_BYTES]
        )


async def wait_for_result(
    channel: grpc.aio.Channel, request_id: str, timeout: float
) -> gateway_service_pb2.Request | None:
    """The request once it is done, failed or in triage; None if ``timeout`` passes first."""
    stub = gateway_service_pb2_grpc.GatewayServiceStub(channel)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        try:
            response = await stub.GetRequest(
                gateway_service_pb2.GetRequestRequest(request_id=request_id), timeout=10
            )
            if response.request.state in _TERMINAL:
                return response.request
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 1.0)
    return None


def result_line(origin: str, created: bool, request: gateway_service_pb2.Request) -> dict[str, Any]:
    """The JSON line printed for a request: the fields integrators rely on."""
    correlation = gateway_service_pb2.Correlation.Name(request.correlation)
    return {
        "path": origin,
        "request_id": request.request_id,
        "created": created,
        "case_id": request.case_id,
        "channel": _enum_name(request.channel, "CHANNEL_"),
        "source": request.source,
        "party_id": request.party_id or None,
        "identity_decision": request.identity_decision,
        "identity_confidence": round(request.identity_confidence, 3),
        "category": request.category or None,
        "category_probability": round(request.category_probability, 3),
        "category_abstained": request.category_abstained,
        "correlation": {
            "decision": correlation.removeprefix("CORRELATION_").lower()
            if request.correlation
            else None,
            "matched_request_id": request.matched_request_id or None,
            "score": round(request.correlation_score, 3),
        },
        "state": gateway_service_pb2.RequestState.Name(request.state)
        .removeprefix("REQUEST_STATE_")
        .lower(),
        "state_reason": request.state_reason or None,
        "explanations": list(request.explanations),
    }


def error_dict(error: grpc.aio.AioRpcError) -> dict[str, Any]:
    """A failed call as JSON: code, reason, message and field violations."""
    details = read_error_details(error)
    return {
        "code": details.code.name,
        "reason": details.reason,
        "message": details.message,
        "violations": [
            {"field": v.field, "description": v.description} for v in details.violations
        ],
    }


def _enum_name(value: int, prefix: str) -> str:
    if not value:
        return ""
    return (
        channel_pb2.Channel.Name(channel_pb2.Channel.ValueType(value)).removeprefix(prefix).lower()
    )
