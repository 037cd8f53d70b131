"""``conflux demo`` (what ``make run`` does): serve the suite on embedded defaults, load the
sample referential and model, process the sample inbox through the public APIs, print what
Conflux made of it, and keep serving until Ctrl-C."""

from __future__ import annotations

import sys
from pathlib import Path

import grpc

from chassis.config import Environment, load_common
from chassis.server import SuiteServer
from conflux.classify.v1 import classify_service_pb2, classify_service_pb2_grpc
from conflux_cli import services
from conflux_cli.connection import connect
from conflux_cli.inbox_files import FileItem, discover
from conflux_cli.main import send_examples, send_parties
from conflux_cli.report import Result, print_report
from conflux_cli.submission import Refused, submit, wait_for_result


async def run_demo(samples: Path) -> int:
    """Runs the demonstration; returns the exit code once the server is stopped."""
    for needed in ("referential.csv", "training.jsonl", "inbox"):
        if not (samples / needed).exists():
            print(
                f"conflux: {samples / needed} is missing (see samples/README.md)", file=sys.stderr
            )
            return 2
    env = Environment()
    data_dir = load_common(env).data_dir
    server = SuiteServer(services.select(None), env)
    address = await server.start()
    _say(f"Conflux is serving all six services on {address} (data in {data_dir})")
    try:
        report = await send_parties(address, samples / "referential.csv")
        _say(
            f"referential {samples / 'referential.csv'}: {report.created_count} parties created, "
            f"{report.updated_count} updated"
        )
        for rejection in report.rejections:
            _say(f"  {rejection.party_id}: {rejection.reason}")
        channel = await connect(address)
        try:
            if not await _has_model(channel):
                _say(f"no model in service: training one from {samples / 'training.jsonl'}")
                model = await send_examples(address, samples / "training.jsonl")
                _say(
                    f"model {model.version}: {len(model.categories)} categories, accuracy "
                    f"{model.metrics.accuracy:.3f} ({model.metrics.evaluation_method})"
                )
            items = [f for f in discover([samples / "inbox"]) if isinstance(f, FileItem)]
            _say(
                f"submitting the {len(items)} items of {samples / 'inbox'} in the order they "
                "arrived, each once the previous one is processed (as days apart)"
            )
            results: list[Result] = []
            for item in items:
                outcome = await submit(channel, item)
                if isinstance(outcome, Refused):
                    results.append((outcome.origin, None, outcome.error))
                    continue
                request = await wait_for_result(channel, outcome.request_id, 600)
                results.append((outcome.origin, request, None))
            await print_report(channel, results)
        finally:
            await channel.close()
    except BaseException:
        await server.stop()
        raise
    _say(
        f"still serving on {address}: try `grpcurl -plaintext {address} list`, "
        f"`conflux submit PATH`; Ctrl-C to stop"
    )
    await server.serve_until_signal()
    return 0


async def _has_model(channel: grpc.aio.Channel) -> bool:
    stub = classify_service_pb2_grpc.ClassifyServiceStub(channel)
    try:
        await stub.GetModel(classify_service_pb2.GetModelRequest(), timeout=10)
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.FAILED_PRECONDITION:
            return False
        raise
    return True


def _say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)
