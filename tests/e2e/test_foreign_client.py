"""A client that is not Python (Node.js, examples/node/conflux_client.cjs) finds the six
services by reflection, gets SERVING from each one's health, and submits an SMS."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import free_port, server_process

ROOT = Path(__file__).parents[2]
CLIENT = ROOT / "examples" / "node" / "conflux_client.cjs"
NODE_MODULES = ROOT / ".tools" / "node_modules"


def test_node_client_lists_services_checks_health_and_submits(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "@grpc" / "grpc-js").exists():
        pytest.fail("needs Node.js and `make setup` (which installs the client's packages)")
    with server_process(tmp_path / "data", free_port()) as server:
        result = subprocess.run(
            [node, str(CLIENT), server.address, "+33612345678", "Bonjour depuis Node"],
            env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    statuses = dict(line.split("\t") for line in lines[:-1])
    conflux = {name: status for name, status in statuses.items() if name.startswith("conflux.")}
    assert sorted(conflux) == [
        "conflux.classify.v1.ClassifyService",
        "conflux.correlate.v1.CorrelateService",
        "conflux.gateway.v1.GatewayService",
        "conflux.identity.v1.IdentityService",
        "conflux.ingest.v1.IngestService",
        "conflux.ocr.v1.OcrService",
    ]
    assert set(conflux.values()) == {"SERVING"}
    submitted = json.loads(lines[-1])
    assert submitted["item_id"].startswith("req-") and submitted["created"] is True
