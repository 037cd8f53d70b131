"""The ``conflux`` command: serve the suite, submit items, import parties, train models.

Exit codes: 0 success; 1 some items were refused or did not finish; 2 bad arguments or
configuration; 3 no server reachable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import grpc

from chassis.config import SERVICE_NAMES, ConfigError, Environment, load_common
from chassis.server import ListenError, ServiceDefinition, SuiteServer
from chassis.vocabulary import CHANNEL_NAMES, Channel, channel_proto
from chassis.workers import pin_native_threads
from classify_svc.example_files import ExampleFileError, read_examples
from classify_svc.examples import Example
from classify_svc.training_report import render_report
from conflux.classify.v1 import classify_service_pb2, classify_service_pb2_grpc
from conflux.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from conflux_cli.connection import ServerUnreachableError, connect, default_address
from conflux_cli.inbox_files import FileItem, SkippedFile, discover
from conflux_cli.progress import Progress
from conflux_cli.submission import (
    Accepted,
    Refused,
    error_dict,
    result_line,
    submit,
    wait_for_result,
)
from identity_svc.messages import party_message
from identity_svc.referential_file import ReferentialFileError, read_parties

EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EVALUATION_METHODS = {
    "auto": classify_service_pb2.EVALUATION_METHOD_UNSPECIFIED,
    "cross-validation": classify_service_pb2.EVALUATION_METHOD_CROSS_VALIDATION,
    "holdout": classify_service_pb2.EVALUATION_METHOD_HOLDOUT,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="conflux",
        description="Conflux: every inbound customer flow converges into one qualified request "
        "and one case.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the suite (all services, or --only some)")
    serve.add_argument(
        "--only",
        action="append",
        choices=SERVICE_NAMES,
        metavar="NAME",
        help=f"serve only this service (repeatable): {', '.join(SERVICE_NAMES)}",
    )

    migrate = commands.add_parser("migrate", help="bring the services' tables up to date")
    migrate.add_argument("--only", action="append", choices=SERVICE_NAMES, metavar="NAME")

    submit_parser = commands.add_parser(
        "submit", help="submit files or folders (.eml, .mbox, PDF/TIFF/PNG/JPEG, JSON messages)"
    )
    submit_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_address(submit_parser)
    submit_parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds to wait for each result (default 600: scans take minutes)",
    )
    submit_parser.add_argument(
        "--no-wait", action="store_true", help="print the request ids without waiting for results"
    )

    parties = commands.add_parser("parties", help="the customer referential")
    party_commands = parties.add_subparsers(dest="parties_command", required=True)
    party_import = party_commands.add_parser("import", help="import parties from CSV or JSONL")
    party_import.add_argument("file", type=Path)
    _add_address(party_import)

    model = commands.add_parser("model", help="classification models")
    model_commands = model.add_subparsers(dest="model_command", required=True)
    train = model_commands.add_parser(
        "train",
        help="add the labelled examples of a CSV or JSONL file, then train on every example the "
        "service keeps",
    )
    train.add_argument("file", type=Path)
    retrain = model_commands.add_parser(
        "retrain",
        help="train on the examples the service keeps (imports and agents' feedback)",
    )
    for training in (train, retrain):
        training.add_argument(
            "--evaluation",
            choices=sorted(EVALUATION_METHODS),
            default="auto",
            help="cross-validation, a stratified 20%% holdout (faster on large sets), or auto: "
            "holdout from $CONFLUX_CLASSIFY_HOLDOUT_MIN_EXAMPLES examples (default auto)",
        )
        training.add_argument(
            "--report",
            action="store_true",
            help="print the evaluation report (per category, confusion matrix) instead of JSON",
        )
        _add_address(training)
    model_list = model_commands.add_parser("list", help="list the model versions, newest first")
    _add_address(model_list)
    promote = model_commands.add_parser(
        "promote", help="put a model version in service (an older one rolls back)"
    )
    promote.add_argument("version")
    _add_address(promote)

    demo = commands.add_parser(
        "demo", help="serve the suite, load the samples, process the sample inbox, report"
    )
    demo.add_argument("--samples", type=Path, default=Path(__file__).parents[1] / "samples")
    return parser


def _add_address(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--address",
        default=default_address(),
        help="host:port of a Conflux server (default $CONFLUX_ADDRESS or 127.0.0.1:50051)",
    )


def main(argv: list[str] | None = None) -> None:
    """Runs the command line."""
    pin_native_threads()
    arguments = build_parser().parse_args(argv)
    try:
        code = asyncio.run(_run(arguments))
    except (ConfigError, ListenError) as error:
        print(f"conflux: {error}", file=sys.stderr)
        code = EXIT_USAGE
    except ServerUnreachableError as error:
        print(f"conflux: {error}", file=sys.stderr)
        code = EXIT_UNREACHABLE
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


async def _run(arguments: argparse.Namespace) -> int:
    if arguments.command in ("serve", "migrate", "demo"):
        # The services (LightGBM, scikit-learn, tantivy...) load only for the commands that
        # host them: a client command starts in a fraction of the time.
        from conflux_cli import services  # noqa: PLC0415
    if arguments.command == "serve":
        server = SuiteServer(services.select(arguments.only))
        await server.start()
        await server.serve_until_signal()
        return 0
    if arguments.command == "migrate":
        return _migrate(services.select(arguments.only))
    if arguments.command == "submit":
        return await submit_paths(
            arguments.address, arguments.paths, arguments.timeout, wait=not arguments.no_wait
        )
    if arguments.command == "parties":
        return await import_parties(arguments.address, arguments.file)
    if arguments.command == "model" and arguments.model_command == "list":
        return await list_models(arguments.address)
    if arguments.command == "model" and arguments.model_command == "promote":
        return await promote_model(arguments.address, arguments.version)
    if arguments.command == "model":
        return await train_model(
            arguments.address,
            arguments.file if arguments.model_command == "train" else None,
            evaluation=arguments.evaluation,
            report=arguments.report,
        )
    from conflux_cli.demo import run_demo  # noqa: PLC0415 - keeps the other commands light

    return await run_demo(arguments.samples)


def _migrate(chosen: list[ServiceDefinition]) -> int:
    env = Environment()
    common = load_common(env)
    settings = [definition.load_settings(env, common) for definition in chosen]
    env.check()
    for definition, setting in zip(chosen, settings, strict=True):
        definition.migrate(setting)
        print(f"{definition.name}: up to date")
    return 0


async def submit_paths(address: str, paths: list[Path], timeout: float, *, wait: bool) -> int:
    """Submits every item of ``paths``, prints one JSON line per item; 1 if any failed."""
    channel = await connect(address)
    failed = 0
    try:
        found = list(discover(paths))
        items = [f for f in found if isinstance(f, FileItem)]
        for skipped in (f for f in found if isinstance(f, SkippedFile)):
            print(f"conflux: skipped {skipped.origin}: {skipped.reason}", file=sys.stderr)
        progress = Progress(len(items) * (2 if wait else 1), "items")
        outcomes: list[Accepted | Refused] = []
        for item in items:
            outcomes.append(await submit(channel, item))
            progress.advance()

        async def finish(outcome: Accepted | Refused) -> tuple[dict[str, Any], bool]:
            if isinstance(outcome, Refused):
                return {"path": outcome.origin, "error": outcome.error}, False
            if not wait:
                line = {
                    "path": outcome.origin,
                    "request_id": outcome.request_id,
                    "created": outcome.created,
                }
                return line, True
            try:
                result = await wait_for_result(channel, outcome.request_id, timeout)
            except grpc.aio.AioRpcError as error:
                return {
                    "path": outcome.origin,
                    "request_id": outcome.request_id,
                    "error": error_dict(error),
                }, False
            finally:
                progress.advance()
            if result is None:
                return {
                    "path": outcome.origin,
                    "request_id": outcome.request_id,
                    "error": {
                        "code": "DEADLINE_EXCEEDED",
                        "message": f"no result within {timeout:.0f} s",
                    },
                }, False
            return result_line(outcome.origin, outcome.created, result), result.state_reason == ""

        for line, ok in await asyncio.gather(*(finish(o) for o in outcomes)):
            failed += 0 if ok else 1
            print(json.dumps(line, ensure_ascii=False), flush=True)
        progress.close()
    finally:
        await channel.close()
    return EXIT_PARTIAL if failed else 0


async def send_parties(address: str, path: Path) -> identity_service_pb2.ImportPartiesResponse:
    """Streams the parties of ``path`` to the identity service; returns its report.

    The file is read once to check it (``ReferentialFileError`` names the bad line) before
    anything is sent, then again while streaming, so that a huge referential is never held in
    memory and a bad line never leaves a half-done import.
    """
    for _ in read_parties(path):
        pass
    channel = await connect(address)
    try:
        stub = identity_service_pb2_grpc.IdentityServiceStub(channel)

        async def messages() -> AsyncIterator[identity_service_pb2.ImportPartiesRequest]:
            for party in read_parties(path):
                yield identity_service_pb2.ImportPartiesRequest(party=party_message(party))

        return await stub.ImportParties(messages(), timeout=3600)
    finally:
        await channel.close()


async def import_parties(address: str, path: Path) -> int:
    """``conflux parties import``: prints the import report as JSON."""
    try:
        report = await send_parties(address, path)
    except (ReferentialFileError, OSError) as error:
        print(f"conflux: {error}", file=sys.stderr)
        return EXIT_USAGE
    rejected = [
        {"index": r.index, "party_id": r.party_id, "reason": r.reason} for r in report.rejections
    ]
    summary = {"created": report.created_count, "updated": report.updated_count}
    print(json.dumps({**summary, "rejected": rejected}, ensure_ascii=False))
    return EXIT_PARTIAL if report.rejections else 0


async def send_examples(
    address: str, path: Path | None, evaluation: str = "auto"
) -> classify_service_pb2.Model:
    """Streams the labelled examples of ``path`` (none without a path) to the classify service,
    which trains on every example it keeps; returns the new model with its report.

    Raises ``ExampleFileError`` for a bad file, ``grpc.aio.AioRpcError`` when the service refuses.
    """
    examples = read_examples(path) if path is not None else []
    options = classify_service_pb2.TrainingOptions(evaluation_method=EVALUATION_METHODS[evaluation])
    channel = await connect(address)
    try:
        stub = classify_service_pb2_grpc.ClassifyServiceStub(channel)
        response = await stub.TrainModel(_training_messages(options, examples), timeout=3600)
    finally:
        await channel.close()
    model: classify_service_pb2.Model = response.model
    return model


async def train_model(
    address: str, path: Path | None, *, evaluation: str = "auto", report: bool = False
) -> int:
    """``conflux model train`` (``retrain`` without a path): prints the new model's version and
    metrics as JSON, or its evaluation report as text."""
    try:
        model = await send_examples(address, path, evaluation)
    except (ExampleFileError, OSError) as error:
        print(f"conflux: {error}", file=sys.stderr)
        return EXIT_USAGE
    except grpc.aio.AioRpcError as error:
        print(json.dumps({"error": error_dict(error)}, ensure_ascii=False))
        return EXIT_PARTIAL
    if report:
        print(render_report(model))
        return 0
    line = _model_line(model)
    line["categories"] = list(model.categories)
    line["abstention_rate"] = round(model.metrics.abstention_rate, 4)
    line["accepted_accuracy"] = round(model.metrics.accepted_accuracy, 4)
    print(json.dumps(line, ensure_ascii=False))
    return 0


async def list_models(address: str) -> int:
    """``conflux model list``: one JSON line per model version, newest first."""
    channel = await connect(address)
    try:
        stub = classify_service_pb2_grpc.ClassifyServiceStub(channel)
        token = ""
        while True:
            page = await stub.ListModels(
                classify_service_pb2.ListModelsRequest(page_token=token), timeout=60
            )
            for model in page.models:
                print(json.dumps(_model_line(model), ensure_ascii=False))
            token = page.next_page_token
            if not token:
                return 0
    except grpc.aio.AioRpcError as error:
        print(json.dumps({"error": error_dict(error)}, ensure_ascii=False))
        return EXIT_PARTIAL
    finally:
        await channel.close()


async def promote_model(address: str, version: str) -> int:
    """``conflux model promote``: puts ``version`` in service; prints it and the one it
    replaced as JSON."""
    channel = await connect(address)
    try:
        stub = classify_service_pb2_grpc.ClassifyServiceStub(channel)
        response = await stub.PromoteModel(
            classify_service_pb2.PromoteModelRequest(version=version), timeout=600
        )
    except grpc.aio.AioRpcError as error:
        print(json.dumps({"error": error_dict(error)}, ensure_ascii=False))
        return EXIT_PARTIAL
    finally:
        await channel.close()
    line = {**_model_line(response.model), "previous_version": response.previous_version}
    print(json.dumps(line, ensure_ascii=False))
    return 0


def _model_line(model: classify_service_pb2.Model) -> dict[str, Any]:
    return {
        "version": model.version,
        "in_service": model.in_service,
        "create_time": model.create_time.ToJsonString(),
        "training_count": model.training_count,
        "accuracy": round(model.metrics.accuracy, 4),
        "macro_f1": round(model.metrics.macro_f1, 4),
        "evaluation": model.metrics.evaluation_method,
        "abstention_threshold": round(model.abstention_threshold, 4),
    }


async def _training_messages(
    options: classify_service_pb2.TrainingOptions, examples: Iterable[Example]
) -> AsyncIterator[classify_service_pb2.TrainModelRequest]:
    yield classify_service_pb2.TrainModelRequest(options=options)
    for example in examples:
        channel = Channel(example.channel) if example.channel in CHANNEL_NAMES else None
        yield classify_service_pb2.TrainModelRequest(
            document=classify_service_pb2.Document(
                subject=example.subject,
                text=example.text,
                channel=channel_proto(channel),
                attachment_media_types=list(example.attachment_media_types),
                party_known=example.party_known,
            ),
            category=example.category or "",
        )
