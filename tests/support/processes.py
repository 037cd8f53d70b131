"""Conflux run as a separate process, the way an operator runs it, for tests that signal or
kill it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def free_port() -> int:
    """A loopback port free at the time of the call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def conflux_command(*arguments: str) -> list[str]:
    """The command line running ``conflux`` with this interpreter."""
    return [sys.executable, "-m", "conflux_cli", *arguments]


@dataclass
class ServerProcess:
    """A ``conflux serve`` process and where it listens."""

    process: subprocess.Popen[bytes]
    address: str
    log: Path

    def output(self) -> str:
        """What the process wrote so far."""
        return self.log.read_text(errors="replace")


def wait_serving(address: str, timeout: float = 60.0) -> None:
    """Waits until every service of the server at ``address`` is SERVING."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                status = stub.Check(
                    health_pb2.HealthCheckRequest(service="conflux.gateway.v1.GatewayService"),
                    timeout=1,
                ).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
    raise AssertionError(f"the server at {address} did not become ready in {timeout} s")


@contextmanager
def server_process(
    data_dir: Path, port: int, extra_env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """``conflux serve`` on ``port`` with its data in ``data_dir``, stopped (or killed) after."""
    address = f"127.0.0.1:{port}"
    env = {
        **os.environ,
        "CONFLUX_LISTEN_ADDRESS": address,
        "CONFLUX_DATA_DIR": str(data_dir),
        "CONFLUX_GATEWAY_POLL_SECONDS": "0.05",
        "CONFLUX_DRAIN_SECONDS": "3",
        **(extra_env or {}),
    }
    log = data_dir.parent / f"server-{port}-{time.monotonic_ns()}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            conflux_command("serve"), env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    running = ServerProcess(process, address, log)
    try:
        wait_serving(address)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
