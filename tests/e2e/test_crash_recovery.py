"""``kill -9`` of the all-in-one process in the middle of a batch, then a restart: every accepted
request finishes, and none is decided twice."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import grpc

from conflux.gateway.v1 import gateway_service_pb2 as gw
from conflux.gateway.v1 import gateway_service_pb2_grpc as gw_grpc
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from tests.support.processes import free_port, server_process

BATCH = 40


def _message(number: int) -> pb.SubmitItemRequest:
    return pb.SubmitItemRequest(
        header=pb.ItemHeader(channel=channel_pb2.CHANNEL_SMS, request_id=f"batch-{number}"),
        message=pb.ShortMessage(
            sender=f"+3361000{number:04d}",
            body=f"Bonjour, question numéro {number} sur la facture FAC-{900000 + number}.",
        ),
    )


def _states(address: str, ids: list[str]) -> dict[str, int]:
    with grpc.insecure_channel(address) as channel:
        stub = gw_grpc.GatewayServiceStub(channel)
        states = {}
        for request_id in ids:
            try:
                states[request_id] = stub.GetRequest(
                    gw.GetRequestRequest(request_id=request_id)
                ).request.state
            except grpc.RpcError:
                states[request_id] = gw.REQUEST_STATE_UNSPECIFIED
        return states


def test_kill_9_mid_batch_then_restart_finishes_every_request_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with server_process(data, port, {"CONFLUX_GATEWAY_WORKERS": "2"}) as server:
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.IngestServiceStub(channel)
            ids = [stub.SubmitItem(_message(n)).item.item_id for n in range(BATCH)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = sum(s == gw.REQUEST_STATE_DONE for s in _states(server.address, ids).values())
            if done >= 3:
                break
            time.sleep(0.02)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
    assert done < BATCH, "the batch finished before the kill: the test proves nothing"

    with server_process(data, port, {"CONFLUX_GATEWAY_WORKERS": "2"}) as server:
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.IngestServiceStub(channel)
            retried = [stub.SubmitItem(_message(n)) for n in range(BATCH)]
        assert [r.item.item_id for r in retried] == ids
        assert not any(r.created for r in retried)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = _states(server.address, ids)
            if all(s == gw.REQUEST_STATE_DONE for s in states.values()):
                break
            time.sleep(0.1)
        assert all(s == gw.REQUEST_STATE_DONE for s in states.values()), states

    with sqlite3.connect(data / "correlate.sqlite3") as ledger:
        rows = ledger.execute("SELECT request_id, case_id FROM correlate_requests").fetchall()
        cases = ledger.execute("SELECT count(*) FROM correlate_cases").fetchone()[0]
    assert sorted(r[0] for r in rows) == sorted(ids)
    assert cases == BATCH, "each distinct demand has exactly one case, none opened twice"
    with sqlite3.connect(data / "ingest.sqlite3") as items:
        assert items.execute("SELECT count(*) FROM ingest_items").fetchone()[0] == BATCH
