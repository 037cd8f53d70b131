"""The steps of the pipeline, each a call to the service that owns it.

A step SHALL be idempotent by request id (the services keep their decisions), read what it needs
from the item (fetched from ingest) and from earlier steps' results, and return a JSON-ready
result. It raises ``StepError`` with ``retryable`` False when retrying cannot help (the input is
refused), True otherwise (a service down, a deadline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import grpc
from google.protobuf import json_format

from chassis.errors import read_error_details
from conflux.classify.v1 import classify_service_pb2
from conflux.correlate.v1 import correlate_service_pb2
from conflux.identity.v1 import identity_service_pb2
from conflux.ingest.v1 import ingest_service_pb2
from conflux.ocr.v1 import ocr_service_pb2

if TYPE_CHECKING:
    from conflux.classify.v1 import classify_service_pb2_grpc
    from conflux.correlate.v1 import correlate_service_pb2_grpc
    from conflux.identity.v1 import identity_service_pb2_grpc
    from conflux.ingest.v1 import ingest_service_pb2_grpc
    from conflux.ocr.v1 import ocr_service_pb2_grpc

RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.CANCELLED,
    }
)
_REFERENCE_KINDS = (
    identity_service_pb2.IDENTIFIER_KIND_CONTRACT_NUMBER,
    identity_service_pb2.IDENTIFIER_KIND_REFERENCE,
)


class StepError(Exception):
    """A step failed; ``retryable`` says whether trying again may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class StepInput:
    """What a step works on: the request id, its item, and earlier steps' results."""

    request_id: str
    item: ingest_service_pb2.Item
    results: Mapping[str, Any]

    def full_text(self) -> str:
        """The body and every document's text."""
        texts = [self.item.body_text]
        texts += [d["text"] for d in self.results.get("ocr", {}).get("documents", [])]
        return "\n\n".join(text for text in texts if text)


class Step(Protocol):
    """One step of the pipeline."""

    name: str

    async def run(self, given: StepInput, timeout: float) -> dict[str, Any]:
        """The step's result for ``given``; raises ``StepError``."""
        ...


@dataclass(frozen=True)
class Clients:
    """The stubs of the services the steps call."""

    ingest: ingest_service_pb2_grpc.IngestServiceAsyncStub
    ocr: ocr_service_pb2_grpc.OcrServiceAsyncStub
    identity: identity_service_pb2_grpc.IdentityServiceAsyncStub
    classify: classify_service_pb2_grpc.ClassifyServiceAsyncStub
    correlate: correlate_service_pb2_grpc.CorrelateServiceAsyncStub


def step_error(service: str, error: grpc.aio.AioRpcError) -> StepError:
    """The ``StepError`` for a failed call to ``service``, with the status it returned."""
    details = read_error_details(error)
    reason = f" [{details.reason}]" if details.reason else ""
    return StepError(
        f"{service}: {details.code.name}{reason}: {details.message}",
        retryable=details.code in RETRYABLE,
    )


class ExtractTextStep:
    """Text of every attachment that is not an inline image, through the OCR service."""

    name = "ocr"

    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    async def run(self, given: StepInput, timeout: float) -> dict[str, Any]:
        """One entry per document: its hash, name, status and text."""
        documents = []
        for attachment in given.item.attachments:
            if attachment.inline and attachment.blob.media_type.startswith("image/"):
                continue
            try:
                response = await self._clients.ocr.ExtractText(
                    ocr_service_pb2.ExtractTextRequest(blob=attachment.blob), timeout=timeout
                )
            except grpc.aio.AioRpcError as error:
                raise step_error("ocr", error) from error
            documents.append(
                {
                    "sha256": attachment.blob.sha256,
                    "file_name": attachment.blob.file_name,
                    "media_type": attachment.blob.media_type,
                    "status": ocr_service_pb2.ExtractionStatus.Name(response.status),
                    "detail": response.detail,
                    "pages": len(response.pages),
                    "methods": sorted(
                        {ocr_service_pb2.ExtractionMethod.Name(p.method) for p in response.pages}
                    ),
                    "text": "\n\n".join(page.text for page in response.pages),
                }
            )
        return {"documents": documents}


class IdentifyStep:
    """The sender, from everything in the request, through the identity service."""

    name = "identify"

    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    async def run(self, given: StepInput, timeout: float) -> dict[str, Any]:
        """The decision, party, confidence, evidence and the references found."""
        item = given.item
        documents = given.results.get("ocr", {}).get("documents", [])
        texts = [identity_service_pb2.TextPart(location="body", text=item.body_text)]
        texts += [
            identity_service_pb2.TextPart(location=f"attachment:{d['sha256']}", text=d["text"])
            for d in given.results.get("ocr", {}).get("documents", [])
        ]
        try:
            response = await self._clients.identity.ResolveParty(
                identity_service_pb2.ResolvePartyRequest(
                    request_id=given.request_id,
                    channel=item.channel,
                    sender=item.sender,
                    sender_name=item.sender_name,
                    subject=item.subject,
                    texts=texts,
                ),
                timeout=timeout,
            )
        except grpc.aio.AioRpcError as error:
            raise step_error("identity", error) from error
        return {
            "decision": identity_service_pb2.Decision.Name(response.decision)
            .removeprefix("DECISION_")
            .lower(),
            "party_id": response.party_id,
            "confidence": round(response.confidence, 4),
            "evidence": [_evidence_text(e, documents) for e in response.evidence],
            "candidates": [
                {"party_id": c.party_id, "confidence": round(c.confidence, 4)}
                for c in response.candidates
            ],
            "references": sorted(
                {i.value for i in response.found_identifiers if i.kind in _REFERENCE_KINDS}
            ),
        }


def _evidence_text(evidence: identity_service_pb2.Evidence, documents: list[dict[str, Any]]) -> str:
    """One piece of identity evidence for people: "customer_number CLI1 in letter.pdf → P-1"."""
    kind = identity_service_pb2.IdentifierKind.Name(evidence.kind)
    location = evidence.location
    if location.startswith("attachment:"):
        sha256 = location.removeprefix("attachment:")
        names = [d["file_name"] for d in documents if d["sha256"] == sha256]
        location = f"attachment {names[0] or sha256[:12]}" if names else f"attachment {sha256[:12]}"
    return (
        f"{kind.removeprefix('IDENTIFIER_KIND_').lower()} {evidence.value} in {location} "
        f"→ {evidence.party_id} (weight {evidence.weight:.2f})"
    )


class ClassifyStep:
    """The category, from the full content, through the classify service."""

    name = "classify"

    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    async def run(self, given: StepInput, timeout: float) -> dict[str, Any]:
        """The category and its probability, or an abstention with its reason."""
        item = given.item
        document = classify_service_pb2.Document(
            subject=item.subject,
            text=given.full_text(),
            channel=item.channel,
            attachment_media_types=[a.blob.media_type for a in item.attachments],
            party_known=bool(given.results.get("identify", {}).get("party_id")),
        )
        try:
            response = await self._clients.classify.Classify(
                classify_service_pb2.ClassifyRequest(
                    request_id=given.request_id, document=document
                ),
                timeout=timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.FAILED_PRECONDITION:
                # No model in service: the request goes to triage for its category, the rest of
                # the pipeline goes on.
                return {
                    "category": "",
                    "probability": 0.0,
                    "abstained": True,
                    "model_version": "",
                    "reason": read_error_details(error).message,
                }
            raise step_error("classify", error) from error
        return {
            "category": response.category,
            "probability": round(response.probability, 4),
            "abstained": response.abstained,
            "model_version": response.model_version,
            "reason": "below the abstention threshold" if response.abstained else "",
        }


class CorrelateStep:
    """The case, through the correlate service."""

    name = "correlate"

    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    async def run(self, given: StepInput, timeout: float) -> dict[str, Any]:
        """The decision, case, matched request, score and explanation."""
        item = given.item
        identify = given.results.get("identify", {})
        classify = given.results.get("classify", {})
        request = correlate_service_pb2.QualifiedRequest(
            request_id=given.request_id,
            channel=item.channel,
            party_id=identify.get("party_id", ""),
            category=classify.get("category", ""),
            subject=item.subject,
            text=given.full_text(),
            references=identify.get("references", []),
            attachment_sha256s=[a.blob.sha256 for a in item.attachments if not a.inline],
        )
        request.sent_time.CopyFrom(
            item.sent_time if item.HasField("sent_time") else item.receive_time
        )
        try:
            response = await self._clients.correlate.Correlate(
                correlate_service_pb2.CorrelateRequest(request=request), timeout=timeout
            )
        except grpc.aio.AioRpcError as error:
            raise step_error("correlate", error) from error
        result = json_format.MessageToDict(response, preserving_proto_field_name=True)
        result["decision"] = (
            correlate_service_pb2.Decision.Name(response.decision).removeprefix("DECISION_").lower()
        )
        return result
