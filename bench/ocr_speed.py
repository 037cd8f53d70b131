"""Pages per second of the OCR service through gRPC, against bare tesseract and bare pypdf.

Scanned pages: the page images of ``../shared/data/ocr`` as stored (400 dpi JPEG letters and
reports of tapuscorpus, 200-300 dpi TIFF of tesseract's tests; ``--pages`` of them, spread over
both sets), read in the same run by:

- N single-threaded ``tesseract IMAGE stdout -l fra+eng --psm 1`` processes at once, N = cores
  (automatic segmentation with orientation detection: the same kind of work as the service);
- the service, served in this process as ``conflux serve`` does (ingest and OCR, SQLite in a
  fresh temporary directory, so that its cache starts empty), called through gRPC by as many
  concurrent clients as cores, each document read from ingest by blob reference.

Text-layer PDFs (``--pdfs`` documents of 10 pages of 30 typed lines, made here): the service
as above, against a bare loop of pypdf's ``extract_text`` over the same pages in one thread.

The two sides take turns every 8 documents, so that both meet the same load from whatever else
runs on the machine; each measure is repeated ``--repeats`` times. The medians of the rates, their
ratio, and the median of each repeat's own ratio are printed.

Usage: .venv/bin/python bench/ocr_speed.py [--pages 8] [--pdfs 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from bench.ocr_corpus import corpus_pages  # noqa: E402
from conflux.ingest.v1 import ingest_service_pb2 as ingest_pb  # noqa: E402
from conflux.ingest.v1 import ingest_service_pb2_grpc as ingest_grpc  # noqa: E402
from conflux.ocr.v1 import ocr_service_pb2 as pb  # noqa: E402
from conflux.ocr.v1 import ocr_service_pb2_grpc as pb_grpc  # noqa: E402
from conflux.type.v1 import blob_pb2, channel_pb2  # noqa: E402
from tests.support.documents import text_layer_pdf  # noqa: E402
from tests.support.suite import running_suite  # noqa: E402

CORES = len(os.sched_getaffinity(0))
LANGUAGES = "fra+eng"
PDF_PAGES = 10
PDF_LINES = 30
_TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_CALL_TIMEOUT_S = 900
CHUNK = 8
"""Documents each side reads before the other takes its turn."""


def tesseract_seconds(images: Sequence[Path]) -> float:
    """Seconds N = cores single-threaded `tesseract --psm 1` processes at once take on `images`."""

    def read(image: Path) -> None:
        subprocess.run(
            ["tesseract", str(image), "stdout", "-l", LANGUAGES, "--psm", "1"],
            capture_output=True,
            env=_TESSERACT_ENV,
            check=True,
        )

    started = time.monotonic()
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(read, images))
    return time.monotonic() - started


def pypdf_seconds(documents: Sequence[bytes]) -> float:
    """Seconds a bare pypdf loop over the documents' pages takes, in one thread."""
    started = time.monotonic()
    for document in documents:
        for page in PdfReader(io.BytesIO(document)).pages:
            page.extract_text()
    return time.monotonic() - started


async def one_repeat(
    documents: Sequence[tuple[str, bytes]],
    pages_per_document: int,
    baseline_seconds: Callable[[Sequence[int]], float],
) -> tuple[float, float]:
    """Pages per second of the baseline and of the service on `documents` (file name, bytes).

    The service runs with a cold cache (a fresh data directory), the documents stored in ingest
    first, and as many concurrent clients as cores. The two sides alternate every `CHUNK`
    documents, so that both meet the same load from the rest of the machine;
    `baseline_seconds` times the baseline on the documents at the given positions.
    """
    with tempfile.TemporaryDirectory(prefix="ocr-speed-") as directory:
        async with running_suite(
            Path(directory),
            only=["ingest", "ocr"],
            extra_env={"CONFLUX_LOG_LEVEL": "ERROR", "CONFLUX_OCR_QUEUE_CAPACITY": "1000"},
        ) as suite:
            ingest = ingest_grpc.IngestServiceStub(suite.channel)
            blobs = [await _stored(ingest, name, data) for name, data in documents]
            ocr = pb_grpc.OcrServiceStub(suite.channel)
            await _warm_up(ingest, ocr)
            baseline = service = 0.0
            for start in range(0, len(blobs), CHUNK):
                positions = range(start, min(start + CHUNK, len(blobs)))
                baseline += await asyncio.to_thread(baseline_seconds, positions)
                service += await _service_seconds(ocr, [blobs[n] for n in positions])
    pages = len(documents) * pages_per_document
    return pages / baseline, pages / service


async def _service_seconds(
    ocr: pb_grpc.OcrServiceAsyncStub, blobs: Sequence[blob_pb2.BlobRef]
) -> float:
    pending = list(blobs)

    async def client() -> None:
        while pending:
            blob = pending.pop(0)
            response = await ocr.ExtractText(
                pb.ExtractTextRequest(blob=blob), timeout=_CALL_TIMEOUT_S
            )
            if response.status != pb.EXTRACTION_STATUS_COMPLETE or response.cached:
                raise RuntimeError(f"{blob.file_name}: {response.status} {response.detail}")

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(CORES)))
    return time.monotonic() - started


async def _warm_up(
    ingest: ingest_grpc.IngestServiceAsyncStub, ocr: pb_grpc.OcrServiceAsyncStub
) -> None:
    """One small document per worker at once, so that every extraction process has started
    (once per service, not per document) before the clock starts."""
    notes = [
        await _stored(ingest, f"warm-up-{n}.pdf", text_layer_pdf([[f"Note {n}"]]))
        for n in range(CORES)
    ]
    await asyncio.gather(
        *(
            ocr.ExtractText(pb.ExtractTextRequest(blob=note), timeout=_CALL_TIMEOUT_S)
            for note in notes
        )
    )


async def _stored(
    ingest: ingest_grpc.IngestServiceAsyncStub, name: str, data: bytes
) -> blob_pb2.BlobRef:
    response = await ingest.SubmitItem(
        ingest_pb.SubmitItemRequest(
            header=ingest_pb.ItemHeader(channel=channel_pb2.CHANNEL_MAIL, file_name=name),
            raw=data,
        )
    )
    blob: blob_pb2.BlobRef = response.item.attachments[0].blob
    return blob


def _repeated(
    repeats: int,
    documents: Sequence[tuple[str, bytes]],
    pages_per_document: int,
    baseline_seconds: Callable[[Sequence[int]], float],
) -> tuple[list[float], list[float]]:
    baseline_rates: list[float] = []
    service_rates: list[float] = []
    for repeat in range(repeats):
        baseline, service = asyncio.run(one_repeat(documents, pages_per_document, baseline_seconds))
        baseline_rates.append(baseline)
        service_rates.append(service)
        print(
            f"  repeat {repeat + 1}: baseline {baseline:.3f} pages/s, "
            f"service {service:.3f} pages/s",
            flush=True,
        )
    return baseline_rates, service_rates


def _print_ratio(name: str, baseline: list[float], service: list[float]) -> None:
    """Medians of the rates and their ratio; and the median of each repeat's own ratio, which
    the load of other work on the machine, changing from one repeat to the next, disturbs less."""
    baseline_median, service_median = statistics.median(baseline), statistics.median(service)
    paired = statistics.median(s / b for s, b in zip(service, baseline, strict=True))
    print(
        f"{name}: service {service_median:.3f} pages/s, baseline {baseline_median:.3f} pages/s, "
        f"ratio {service_median / baseline_median:.2f} (medians of {len(service)}); "
        f"median of the repeats' ratios {paired:.2f}\n"
    )


def main() -> None:
    """Measures both kinds of document and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=8, help="scanned pages (0: all)")
    parser.add_argument("--pdfs", type=int, default=30, help="text-layer PDFs of 10 pages")
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    pages = corpus_pages()
    if 0 < arguments.pages < len(pages):
        step = len(pages) / arguments.pages
        pages = [pages[int(index * step)] for index in range(arguments.pages)]
    images = [page.image for page in pages]
    print(f"{CORES} cores; scanned pages: {len(images)}")
    for image in images:
        print(f"  {image.parent.name[:30]}/{image.name}")
    scans = [(image.name, image.read_bytes()) for image in images]
    baseline, service = _repeated(
        arguments.repeats,
        scans,
        1,
        lambda positions: tesseract_seconds([images[n] for n in positions]),
    )
    _print_ratio(f"scanned pages vs {CORES} x tesseract --psm 1", baseline, service)

    lines = [f"Ligne {n} du relevé : opération de {n * 7},00 euros" for n in range(PDF_LINES)]
    pdfs = [
        (f"releve-{number}.pdf", text_layer_pdf([[f"Relevé {number}", *lines]] * PDF_PAGES))
        for number in range(arguments.pdfs)
    ]
    print(f"text-layer PDFs: {len(pdfs)} of {PDF_PAGES} pages")
    baseline, service = _repeated(
        arguments.repeats,
        pdfs,
        PDF_PAGES,
        lambda positions: pypdf_seconds([pdfs[n][1] for n in positions]),
    )
    _print_ratio("text-layer pages vs a bare pypdf loop (one thread)", baseline, service)


if __name__ == "__main__":
    main()
