"""Text-request throughput of the whole pipeline, and where the time goes.

Serves the suite in this process (embedded stores in a temporary directory, as ``make run``),
loads the sample referential and model, then submits N short text requests (SMS, chat and form
messages from known and unknown senders, in French and English) from C concurrent clients, and
waits until every one is done. It prints:

- throughput (requests/s, from the first submission to the last result) and the latency of one
  request (submission to done: median, 90th percentile);
- the profile: for each pipeline step, the median and total time of its span, and its share of the
  time all steps took; inside each step, how much is the owning service's own handler (its server
  span) and how much is the gRPC hop around it (client span minus server span).

Usage: .venv/bin/python bench/pipeline_throughput.py [--requests 400] [--clients 4]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind  # noqa: E402

from chassis.telemetry import TelemetrySettings, configure_telemetry  # noqa: E402
from conflux.gateway.v1 import gateway_service_pb2 as gw  # noqa: E402
from conflux.ingest.v1 import ingest_service_pb2 as pb  # noqa: E402
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc  # noqa: E402
from conflux.type.v1 import channel_pb2  # noqa: E402
from conflux_cli.main import send_examples, send_parties  # noqa: E402
from conflux_cli.submission import wait_for_result  # noqa: E402
from identity_svc.referential_file import read_parties  # noqa: E402

SPANS = InMemorySpanExporter()
STEPS = ("ocr", "identify", "classify", "correlate")
STEP_SERVICE = {
    "ocr": "conflux.ocr.v1.OcrService",
    "identify": "conflux.identity.v1.IdentityService",
    "classify": "conflux.classify.v1.ClassifyService",
    "correlate": "conflux.correlate.v1.CorrelateService",
}
TEMPLATES = (
    "Bonjour, je souhaite résilier mon contrat {contract} à la prochaine échéance. Merci.",
    "Hello, I moved house: please update the address on contract {contract}.",
    "Mon prélèvement du mois a été rejeté, pouvez-vous me rappeler ? Contrat {contract}.",
    "I would like a copy of my insurance certificate for contract {contract}, please.",
    "Suite au dégât des eaux chez moi je déclare un sinistre sur le contrat {contract}.",
    "Your last invoice for {contract} is wrong, I was charged twice this month.",
)


def _requests(count: int, seed: int) -> list[pb.SubmitItemRequest]:
    rng = random.Random(seed)
    parties = list(read_parties(ROOT / "samples" / "referential.csv"))
    requests = []
    for number in range(count):
        party = rng.choice(parties)
        phones = [v for k, v in party.identifiers if k == "phone"]
        contracts = [v for k, v in party.identifiers if k == "contract_number"] or ["CTR-00000000"]
        known = rng.random() < 0.8 and phones
        sender = phones[0] if known else f"+3361{rng.randrange(10**7):07d}"
        body = rng.choice(TEMPLATES).format(contract=rng.choice(contracts))
        channel = rng.choice([channel_pb2.CHANNEL_SMS, channel_pb2.CHANNEL_CHAT])
        requests.append(
            pb.SubmitItemRequest(
                header=pb.ItemHeader(channel=channel, request_id=f"bench-{seed}-{number}"),
                message=pb.ShortMessage(sender=sender, body=f"{body} ({number})"),
            )
        )
    return requests


async def _run(count: int, clients: int) -> None:
    from tests.support.suite import running_suite  # noqa: PLC0415 - needs the path above

    with tempfile.TemporaryDirectory() as directory:
        async with running_suite(
            Path(directory), extra_env={"CONFLUX_LOG_LEVEL": "ERROR"}
        ) as suite:
            await send_parties(suite.address, ROOT / "samples" / "referential.csv")
            await send_examples(suite.address, ROOT / "samples" / "training.jsonl")
            stub = pb_grpc.IngestServiceStub(suite.channel)
            queue = list(_requests(count, seed=7))
            SPANS.clear()
            latencies: list[float] = []

            async def client(share: list[pb.SubmitItemRequest]) -> None:
                for request in share:
                    submitted = time.perf_counter()
                    item = await stub.SubmitItem(request)
                    result = await wait_for_result(suite.channel, item.item.item_id, 300)
                    assert result is not None and result.state == gw.REQUEST_STATE_DONE
                    latencies.append(time.perf_counter() - submitted)

            started = time.perf_counter()
            await asyncio.gather(*(client(queue[n::clients]) for n in range(clients)))
            elapsed = time.perf_counter() - started
    _report(count, clients, elapsed, latencies)


def _report(count: int, clients: int, elapsed: float, latencies: list[float]) -> None:
    spans = SPANS.get_finished_spans()
    step_spans: dict[str, list[float]] = defaultdict(list)
    server: dict[str, list[float]] = defaultdict(list)
    client: dict[str, list[float]] = defaultdict(list)
    for span in spans:
        assert span.end_time is not None and span.start_time is not None
        duration = (span.end_time - span.start_time) / 1e6
        if span.name.startswith("pipeline ") and span.name != "pipeline request":
            step_spans[span.name.removeprefix("pipeline ")].append(duration)
        elif span.kind is SpanKind.SERVER:
            server[span.name.lstrip("/").rsplit("/", 1)[0]].append(duration)
        elif span.kind is SpanKind.CLIENT:
            client[span.name.lstrip("/").rsplit("/", 1)[0]].append(duration)
    ordered = sorted(latencies)
    print(f"pipeline: {count} text requests, {clients} concurrent clients, embedded stores")
    print(f"  throughput   {count / elapsed:7.1f} requests/s ({elapsed:.1f} s in all)")
    print(
        f"  latency      median {statistics.median(ordered) * 1000:6.0f} ms, "
        f"p90 {ordered[int(0.9 * (len(ordered) - 1))] * 1000:6.0f} ms (submission to done)"
    )
    total = sum(sum(values) for values in step_spans.values())
    print("  profile of the steps (span of each step, median per request):")
    for step in STEPS:
        values = step_spans.get(step, [])
        if not values:
            continue
        service = STEP_SERVICE[step]
        own = statistics.median(server[service]) if server[service] else 0.0
        hop = statistics.median(client[service]) - own if client[service] else 0.0
        print(
            f"    {step:<10} median {statistics.median(values):6.1f} ms, share "
            f"{100 * sum(values) / total:5.1f}%  (handler {own:5.1f} ms, gRPC hop {hop:4.1f} ms, "
            f"rest: item fetch and state writes)"
        )
    ingest = "conflux.ingest.v1.IngestService"
    print(
        f"  ingest SubmitItem handler median "
        f"{statistics.median(server[ingest]) if server[ingest] else 0:.1f} ms"
    )


def main() -> None:
    """Runs the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    arguments = parser.parse_args()
    configure_telemetry(
        TelemetrySettings(disabled=False, traces_exporter="none", metrics_exporter="none"),
        "conflux-bench",
        span_exporter=SPANS,
    )
    asyncio.run(_run(arguments.requests, arguments.clients))


if __name__ == "__main__":
    main()
