"""A step that keeps failing is retried with backoff, then parked as failed with its reason,
visible and replayable; nothing is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflux.gateway.v1 import gateway_service_pb2 as gw
from conflux.gateway.v1 import gateway_service_pb2_grpc as gw_grpc
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli.submission import wait_for_result
from tests.support.documents import scanned_pdf
from tests.support.processes import free_port
from tests.support.suite import running_suite


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_step_whose_service_is_down_is_retried_then_parked(
    tmp_path: Path, backend: str
) -> None:
    unreachable_ocr = f"127.0.0.1:{free_port()}"
    async with running_suite(
        tmp_path,
        backend=backend,
        only=["ingest", "gateway"],
        extra_env={
            "CONFLUX_OCR_ADDRESS": unreachable_ocr,
            "CONFLUX_GATEWAY_MAX_ATTEMPTS": "3",
            "CONFLUX_GATEWAY_INITIAL_BACKOFF_SECONDS": "0.05",
            "CONFLUX_GATEWAY_STEP_TIMEOUT_SECONDS": "2",
        },
    ) as suite:
        item = await pb_grpc.IngestServiceStub(suite.channel).SubmitItem(
            pb.SubmitItemRequest(
                header=pb.ItemHeader(channel=channel_pb2.CHANNEL_MAIL, file_name="scan.pdf"),
                raw=scanned_pdf(["Lettre"]),
            )
        )
        request_id = item.item.item_id
        parked = await wait_for_result(suite.channel, request_id, 60)
        assert parked is not None
        assert parked.state == gw.REQUEST_STATE_FAILED
        assert parked.state_reason.startswith("ocr failed after 3 attempts: ocr: UNAVAILABLE")
        assert [(s.step, s.attempts, s.succeeded) for s in parked.steps] == [
            (gw.STEP_OCR, 3, False)
        ]
        assert "UNAVAILABLE" in parked.steps[0].last_error

        gateway = gw_grpc.GatewayServiceStub(suite.channel)
        replayed = await gateway.ReplayRequest(gw.ReplayRequestRequest(request_id=request_id))
        assert replayed.request.state == gw.REQUEST_STATE_PROCESSING
        again = await wait_for_result(suite.channel, request_id, 60)
        assert again is not None and again.state == gw.REQUEST_STATE_FAILED
