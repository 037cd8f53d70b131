"""The process an operator runs: it drains on SIGTERM, and it refuses a bad configuration with
a message naming the variable."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.processes import conflux_command, free_port, server_process


def test_sigterm_drains_then_exits_cleanly(tmp_path: Path) -> None:
    with server_process(tmp_path / "data", free_port()) as server:
        with grpc.insecure_channel(server.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            watch = stub.Watch(
                health_pb2.HealthCheckRequest(service="conflux.ingest.v1.IngestService")
            )
            assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert server.process.wait(timeout=30) == 0
        assert time.monotonic() - started < 30
        assert "draining" in server.output()
        assert "stopped" in server.output()


def test_bad_configuration_exits_with_a_message_naming_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        conflux_command("serve"),
        check=False,
        env={**os.environ, "CONFLUX_DATA_DIR": str(tmp_path), "CONFLUX_GATEWAY_WORKERS": "many"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CONFLUX_GATEWAY_WORKERS='many' is not an integer" in result.stderr


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with server_process(tmp_path / "first", free_port()) as first:
        result = subprocess.run(
            conflux_command("serve"),
            env={
                **os.environ,
                "CONFLUX_DATA_DIR": str(tmp_path / "second"),
                "CONFLUX_LISTEN_ADDRESS": first.address,
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"cannot listen on {first.address}" in result.stderr
