"""Text-request throughput of the whole pipeline, and where the time goes.

Serves the suite in this process (embedded stores in a temporary directory, as ``make run``),
loads the sample referential and model, then submits N short text requests (SMS and chat
messages from known and unknown senders, in French and English) as fast as C concurrent clients
can, and waits until every one is done. It prints:

- ingest's acceptance rate, and the pipeline's rate (first submission to last result), both from
  the same run, so their ratio says whether ingest keeps ahead of the rest of the pipeline;
- the latency of one request, accepted to done, from the servers' own timestamps;
- the profile: for each step, the median of its span and its share of all step time, and inside
  it the owning service's handler (server span) and the gRPC hop around it (client span minus
  server span); the rest of a step is the gateway's own work (item fetch, state writes).

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
STEP_METHOD = {
    "ocr": "conflux.ocr.v1.OcrService/ExtractText",
    "identify": "conflux.identity.v1.IdentityService/ResolveParty",
    "classify": "conflux.classify.v1.ClassifyService/Classify",
    "correlate": "conflux.correlate.v1.CorrelateService/Correlate",
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
        phones = [i.value for i in party.identifiers if i.kind == "phone"]
        contracts = [i.value for i in party.identifiers if i.kind == "contract_number"] or [
            "CTR-00000000"
        ]
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
            received: dict[str, float] = {}
            results: list[gw.Request] = []

            async def client(share: list[pb.SubmitItemRequest]) -> None:
                for request in share:
                    item = (await stub.SubmitItem(request)).item
                    received[item.item_id] = item.receive_time.ToNanoseconds() / 1e9

            started = time.time()
            await asyncio.gather(*(client(queue[n::clients]) for n in range(clients)))
            submitted = time.time()
            for request_id in received:
                result = await wait_for_result(suite.channel, request_id, 600)
                assert result is not None and result.state == gw.REQUEST_STATE_DONE
                results.append(result)
    done = [r.update_time.ToNanoseconds() / 1e9 for r in results]
    latencies = [r.update_time.ToNanoseconds() / 1e9 - received[r.request_id] for r in results]
    _report(count, clients, submitted - started, max(done) - started, latencies)


def _report(
    count: int, clients: int, submitting: float, elapsed: float, latencies: list[float]
) -> None:
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
            server[span.name.lstrip("/")].append(duration)
        elif span.kind is SpanKind.CLIENT:
            client[span.name.lstrip("/")].append(duration)
    ordered = sorted(latencies)
    print(
        f"pipeline: {count} text requests submitted by {clients} concurrent clients, "
        "embedded stores, all six services in one process"
    )
    print(f"  ingest alone  {count / submitting:7.1f} requests/s accepted ({submitting:.1f} s)")
    print(
        f"  pipeline      {count / elapsed:7.1f} requests/s qualified end to end "
        f"({elapsed:.1f} s from the first submission to the last result)"
    )
    print(
        f"  latency       median {statistics.median(ordered) * 1000:6.0f} ms, "
        f"p90 {ordered[int(0.9 * (len(ordered) - 1))] * 1000:6.0f} ms "
        "(accepted by ingest to done, server clocks; includes queueing behind the batch)"
    )
    total = sum(sum(values) for values in step_spans.values())
    print("  where a request's processing time goes (median per request; share of all step time):")
    for step in STEPS:
        values = step_spans.get(step, [])
        if not values:
            continue
        method = STEP_METHOD[step]
        own = statistics.median(server[method]) if server[method] else 0.0
        hop = statistics.median(client[method]) - own if client[method] else 0.0
        print(
            f"    {step:<10} {statistics.median(values):6.1f} ms  {100 * sum(values) / total:5.1f}%"
            f"   service handler {own:5.1f} ms, gRPC hop {hop:4.1f} ms"
        )
    for method in (
        "conflux.ingest.v1.IngestService/SubmitItem",
        "conflux.ingest.v1.IngestService/GetItem",
    ):
        if server[method]:
            print(
                f"  {method.rsplit('.', 1)[1]:<32} handler median "
                f"{statistics.median(server[method]):5.1f} ms"
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
