"""The OCR service on a real server, reading documents from a real ingest: its limits hold (queue
full, client deadline, per-document time limit), no document holds a worker, and the same
document is read once."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import grpc
import pytest

from chassis.errors import read_error_details
from conflux.ingest.v1 import ingest_service_pb2 as ingest_pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as ingest_grpc
from conflux.ocr.v1 import ocr_service_pb2 as pb
from conflux.ocr.v1 import ocr_service_pb2_grpc as pb_grpc
from conflux.type.v1 import blob_pb2, channel_pb2
from tests.support.documents import scanned_pdf, text_layer_pdf
from tests.support.suite import RunningSuite, running_suite

pytestmark = pytest.mark.tesseract

# A page whose text layer takes pypdf tens of seconds to read: only the time limit ends it.
SLOW_PAGE_LINES = 100_000


@pytest.fixture(scope="module")
async def suite(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSuite]:
    """Ingest and OCR, with one OCR worker and room for one document to wait."""
    async with running_suite(
        tmp_path_factory.mktemp("ocr"),
        only=["ingest", "ocr"],
        extra_env={
            "CONFLUX_OCR_WORKERS": "1",
            "CONFLUX_OCR_QUEUE_CAPACITY": "1",
            "CONFLUX_OCR_TIME_LIMIT_SECONDS": "4",
        },
    ) as running:
        yield running


@pytest.fixture
def ocr(suite: RunningSuite) -> pb_grpc.OcrServiceAsyncStub:
    """The OCR API."""
    return pb_grpc.OcrServiceStub(suite.channel)


async def _stored(suite: RunningSuite, document: bytes, name: str) -> blob_pb2.BlobRef:
    """The blob reference of `document`, submitted to ingest as a scanned mail item."""
    response = await ingest_grpc.IngestServiceStub(suite.channel).SubmitItem(
        ingest_pb.SubmitItemRequest(
            header=ingest_pb.ItemHeader(channel=channel_pb2.CHANNEL_MAIL, file_name=name),
            raw=document,
        )
    )
    blob: blob_pb2.BlobRef = response.item.attachments[0].blob
    return blob


def _stuck_document(marker: str) -> bytes:
    return text_layer_pdf([[f"First page {marker}, read at once"], ["mot " * 8] * SLOW_PAGE_LINES])


async def test_second_call_is_served_from_the_cache(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    blob = await _stored(suite, scanned_pdf(["Avis de sinistre 8841"]), "avis.pdf")

    first = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob))
    second = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob))

    assert first.status == pb.EXTRACTION_STATUS_COMPLETE
    assert not first.cached
    (page,) = first.pages
    assert page.method == pb.EXTRACTION_METHOD_OCR
    assert page.language == "fra+eng"
    assert "8841" in page.text
    assert page.duration.ToNanoseconds() > 0
    assert second.cached
    assert second.duration.ToNanoseconds() == 0
    assert list(second.pages) == list(first.pages)


async def test_unreadable_document_is_a_status_and_is_cached(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    # Ingest accepts it (it ends as a PDF should); no PDF reader can make sense of it.
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n"
    blob = await _stored(suite, broken, "broken.pdf")

    first = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob))
    second = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob))

    assert first.status == pb.EXTRACTION_STATUS_UNREADABLE
    assert first.detail.startswith("malformed PDF")
    assert second.cached


async def test_client_deadline_is_honoured_with_the_pages_read(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    blob = await _stored(suite, _stuck_document("deadline"), "deadline.pdf")
    started = time.monotonic()

    response = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob), timeout=1.8)

    assert time.monotonic() - started < 1.8
    assert response.status == pb.EXTRACTION_STATUS_PARTIAL
    assert [page.number for page in response.pages] == [1]
    # What the client had left, less the time to answer: under the service's own 4 s.
    assert re.match(r"time limit of 1\.[0-3]\d* s reached with 1 page read", response.detail)


async def test_stuck_document_is_stopped_at_the_time_limit_and_not_cached(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    blob = await _stored(suite, _stuck_document("limit"), "limit.pdf")
    started = time.monotonic()

    first = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob))

    assert time.monotonic() - started < 5
    assert first.status == pb.EXTRACTION_STATUS_PARTIAL
    assert first.detail.startswith("time limit of 4 s reached with 1 page read")
    again = await ocr.ExtractText(pb.ExtractTextRequest(blob=blob), timeout=1.6)
    assert not again.cached


async def test_document_beyond_the_queue_is_refused_then_the_worker_serves_again(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    stuck = [await _stored(suite, _stuck_document(str(n)), f"stuck{n}.pdf") for n in range(3)]

    # Their clients' deadlines bound them: the service stops each half a second before.
    running = asyncio.ensure_future(
        ocr.ExtractText(pb.ExtractTextRequest(blob=stuck[0]), timeout=2.5)
    )
    await asyncio.sleep(0.3)
    waiting = asyncio.ensure_future(
        ocr.ExtractText(pb.ExtractTextRequest(blob=stuck[1]), timeout=5)
    )
    await asyncio.sleep(0.3)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await ocr.ExtractText(pb.ExtractTextRequest(blob=stuck[2]))

    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert read_error_details(refused.value).reason == "OCR_QUEUE_FULL"
    done = await asyncio.gather(running, waiting)
    assert [response.status for response in done] == [pb.EXTRACTION_STATUS_PARTIAL] * 2
    letter = await _stored(suite, scanned_pdf(["Merci de me rappeler"]), "letter.pdf")
    served = await ocr.ExtractText(pb.ExtractTextRequest(blob=letter), timeout=20)
    assert served.status == pb.EXTRACTION_STATUS_COMPLETE
    assert "rappeler" in served.pages[0].text


async def test_unknown_language_is_an_invalid_argument(
    suite: RunningSuite, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    blob = await _stored(suite, scanned_pdf(["Bonjour"]), "bonjour.pdf")

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await ocr.ExtractText(pb.ExtractTextRequest(blob=blob, languages=["klingon"]))

    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert read_error_details(refused.value).reason == "INVALID_LANGUAGES"
