"""gRPC surface of the OCR service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.duration_pb2 import Duration

from chassis.errors import (
    FieldViolation,
    InvalidArgumentError,
    ResourceExhaustedError,
    UnavailableError,
)
from chassis.workers import AdmissionQueue, BlockingPool, QueueFullError
from conflux.ingest.v1 import ingest_service_pb2, ingest_service_pb2_grpc
from conflux.ocr.v1 import ocr_service_pb2 as pb
from conflux.ocr.v1 import ocr_service_pb2_grpc as pb_grpc
from ocr_svc.cache import ExtractionCache
from ocr_svc.config import OcrSettings
from ocr_svc.external_tool import ToolMissingError
from ocr_svc.extraction import Extraction, Method, Status
from ocr_svc.isolated_extraction import IsolatedExtractor

_METHODS = {
    Method.TEXT_LAYER: pb.EXTRACTION_METHOD_TEXT_LAYER,
    Method.OCR: pb.EXTRACTION_METHOD_OCR,
    Method.NATIVE: pb.EXTRACTION_METHOD_NATIVE,
}
_STATUSES = {
    Status.COMPLETE: pb.EXTRACTION_STATUS_COMPLETE,
    Status.PARTIAL: pb.EXTRACTION_STATUS_PARTIAL,
    Status.UNSUPPORTED: pb.EXTRACTION_STATUS_UNSUPPORTED,
    Status.UNREADABLE: pb.EXTRACTION_STATUS_UNREADABLE,
}


class OcrServicer(pb_grpc.OcrServiceServicer):
    """Text extraction with a cache, one worker per core and a bounded queue."""

    def __init__(
        self,
        settings: OcrSettings,
        cache: ExtractionCache,
        ingest: ingest_service_pb2_grpc.IngestServiceAsyncStub,
        io_pool: BlockingPool,
        ocr_pool: BlockingPool,
        *,
        extractor: IsolatedExtractor,
    ) -> None:
        self._settings = settings
        self._cache = cache
        self._ingest = ingest
        self._io_pool = io_pool
        self._ocr_pool = ocr_pool
        self._extractor = extractor
        self._queue = AdmissionQueue(settings.workers, settings.queue_capacity)

    async def ExtractText(
        self, request: pb.ExtractTextRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ExtractTextResponse:
        """The document's text, from the cache or extracted now."""
        blob = request.blob
        if len(blob.sha256) != 64:
            raise InvalidArgumentError(
                "INVALID_BLOB",
                "blob.sha256 must be a SHA-256 in hexadecimal",
                [FieldViolation("blob.sha256", "64 hexadecimal characters")],
            )
        if blob.size_bytes > self._settings.max_document_bytes:
            raise ResourceExhaustedError(
                "DOCUMENT_TOO_LARGE",
                f"the document is {blob.size_bytes} bytes; the limit is "
                f"{self._settings.max_document_bytes}",
            )
        languages = "+".join(request.languages) or self._settings.languages
        cached = await self._io_pool.run(self._cache.find, blob.sha256, languages)
        if cached is not None:
            return _response(cached, cached=True)
        try:
            async with self._queue.slot():
                data = await self._read(blob.sha256)
                remaining = context.time_remaining()
                limit = self._settings.time_limit_seconds
                if remaining is not None:
                    limit = max(1.0, min(limit, remaining - 0.5))
                extraction = await self._ocr_pool.run(
                    self._extractor.extract,
                    data,
                    blob.media_type,
                    languages=languages,
                    time_limit_s=limit,
                )
        except ToolMissingError as missing:
            raise UnavailableError("OCR_TOOL_MISSING", str(missing)) from missing
        except ValueError as bad_languages:
            raise InvalidArgumentError(
                "INVALID_LANGUAGES",
                str(bad_languages),
                [FieldViolation("languages", str(bad_languages))],
            ) from bad_languages
        except QueueFullError as full:
            raise ResourceExhaustedError(
                "OCR_QUEUE_FULL", f"the OCR queue is full: {full}"
            ) from full
        await self._io_pool.run(
            self._cache.keep, blob.sha256, languages, extraction, final=not extraction.cut_short
        )
        return _response(extraction, cached=False)

    async def _read(self, sha256: str) -> bytes:
        chunks = []
        async for part in self._ingest.ReadBlob(ingest_service_pb2.ReadBlobRequest(sha256=sha256)):
            chunks.append(part.chunk)
        return b"".join(chunks)


def _response(extraction: Extraction, *, cached: bool) -> pb.ExtractTextResponse:
    return pb.ExtractTextResponse(
        pages=[
            pb.Page(
                number=page.number,
                text=page.text,
                confidence=page.confidence,
                method=_METHODS[page.method],
                language=page.language,
                # A page served from the cache keeps the time it took when it was extracted.
                duration=_duration(page.seconds),
                skew_degrees=page.skew_degrees,
            )
            for page in extraction.pages
        ],
        status=_STATUSES[extraction.status],
        detail=extraction.detail,
        duration=_duration(0.0 if cached else extraction.seconds),
        cached=cached,
    )


def _duration(seconds: float) -> Duration:
    duration = Duration()
    duration.FromNanoseconds(int(seconds * 1e9))
    return duration
