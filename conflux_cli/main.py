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
    train = model_commands.add_parser("train", help="train a model from labelled CSV or JSONL")
    train.add_argument("file", type=Path)
    _add_address(train)

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
    if arguments.command == "model":
        return await train_model(arguments.address, arguments.file)
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


async def send_examples(address: str, path: Path) -> classify_service_pb2.Model:
    """Streams the labelled examples of ``path`` to the classify service; returns the new model.

    Raises ``ExampleFileError`` for a bad file, ``grpc.aio.AioRpcError`` when the service refuses.
    """
    examples = read_examples(path)
    channel = await connect(address)
    try:
        stub = classify_service_pb2_grpc.ClassifyServiceStub(channel)
        response = await stub.TrainModel(_training_messages(examples), timeout=3600)
    finally:
        await channel.close()
    model: classify_service_pb2.Model = response.model
    return model


async def train_model(address: str, path: Path) -> int:
    """``conflux model train``: prints the new model's version and metrics as JSON."""
    try:
        model = await send_examples(address, path)
    except (ExampleFileError, OSError) as error:
        print(f"conflux: {error}", file=sys.stderr)
        return EXIT_USAGE
    except grpc.aio.AioRpcError as error:
        print(json.dumps({"error": error_dict(error)}, ensure_ascii=False))
        return EXIT_PARTIAL
    print(
        json.dumps(
            {
                "version": model.version,
                "categories": list(model.categories),
                "training_count": model.training_count,
                "accuracy": round(model.metrics.accuracy, 4),
                "macro_f1": round(model.metrics.macro_f1, 4),
                "evaluation": model.metrics.evaluation_method,
                "abstention_threshold": round(model.abstention_threshold, 4),
            },
            ensure_ascii=False,
        )
    )
    return 0


async def _training_messages(
    examples: Iterable[Example],
) -> AsyncIterator[classify_service_pb2.TrainModelRequest]:
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
