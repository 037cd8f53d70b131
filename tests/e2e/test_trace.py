"""One request, one trace: its spans cover the gateway and the five services, each server span
the child of the client span that called it, across gRPC."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli.submission import wait_for_result
from tests.support.documents import email_bytes, text_layer_pdf
from tests.support.suite import running_suite

SERVICES = {
    "conflux.ingest.v1.IngestService",
    "conflux.ocr.v1.OcrService",
    "conflux.identity.v1.IdentityService",
    "conflux.classify.v1.ClassifyService",
    "conflux.correlate.v1.CorrelateService",
}


async def test_a_pipeline_run_is_one_trace_across_every_service(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    async with running_suite(tmp_path) as suite:
        raw = email_bytes(
            sender="client@example.com",
            subject="Attestation",
            body="Merci de m'envoyer une attestation.",
            attachments=[("piece.pdf", "application/pdf", text_layer_pdf([["Contrat 123456"]]))],
        )
        submitted = await pb_grpc.IngestServiceStub(suite.channel).SubmitItem(
            pb.SubmitItemRequest(header=pb.ItemHeader(channel=channel_pb2.CHANNEL_EMAIL), raw=raw)
        )
        request_id = submitted.item.item_id
        assert await wait_for_result(suite.channel, request_id, 60) is not None

    finished = spans.get_finished_spans()
    pipeline = [s for s in finished if (s.attributes or {}).get("conflux.request_id") == request_id]
    assert {s.name for s in pipeline} >= {
        "pipeline request",
        "pipeline ocr",
        "pipeline identify",
        "pipeline classify",
        "pipeline correlate",
    }
    trace_ids = {s.context.trace_id for s in pipeline}
    assert len(trace_ids) == 1, "every step of the request is in one trace"
    trace = [s for s in finished if s.context.trace_id in trace_ids]
    by_id = {s.context.span_id: s for s in trace}

    servers = [s for s in trace if s.kind is SpanKind.SERVER]
    assert {s.name.lstrip("/").rsplit("/", 1)[0] for s in servers} >= SERVICES
    for server in servers:
        assert server.parent is not None and server.parent.span_id in by_id
        client = by_id[server.parent.span_id]
        assert client.kind is SpanKind.CLIENT, f"{server.name} is not called over gRPC"
        assert client.name == server.name
        assert client.parent is not None and client.parent.span_id in by_id
    ocr_server = next(s for s in servers if s.name.endswith("ExtractText"))
    read_blob = next(s for s in servers if s.name.endswith("ReadBlob"))
    assert read_blob.parent is not None
    read_blob_client = by_id[read_blob.parent.span_id]
    assert read_blob_client.parent is not None
    assert read_blob_client.parent.span_id == ocr_server.context.span_id, (
        "OCR reads the document from ingest inside its own call"
    )
