"""Extraction in worker processes: the same result, a hard time limit, a death survived."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from ocr_svc.extraction import Status, extract_text
from ocr_svc.isolated_extraction import IsolatedExtractor
from tests.support.documents import text_layer_pdf

Factory = Callable[..., bytes]

# A page whose text layer takes pypdf many seconds to read: it never reaches a check of the
# time limit between pages.
SLOW_PAGE_LINES = 100_000


@pytest.fixture(scope="module")
def extractor() -> Iterator[IsolatedExtractor]:
    """One extractor with one worker for the module's tests."""
    extractor = IsolatedExtractor(workers=1)
    extractor.start()
    yield extractor
    extractor.close()


@pytest.fixture(scope="module")
def stuck_document() -> bytes:
    """A first page read at once, then a page pypdf reads for tens of seconds."""
    return text_layer_pdf([["First page, read at once"], ["mot " * 8] * SLOW_PAGE_LINES])


def test_result_is_the_one_extracted_in_process(
    extractor: IsolatedExtractor, make_text_layer_pdf: Factory
) -> None:
    document = make_text_layer_pdf([["Dear Sir, contract 4711"], ["Second page"]])

    isolated = extractor.extract(document, "application/pdf", languages="fra+eng", time_limit_s=30)
    in_process = extract_text(document, "application/pdf")

    assert isolated.status is Status.COMPLETE
    assert not isolated.cut_short
    assert [page.text for page in isolated.pages] == [page.text for page in in_process.pages]


def test_stuck_extraction_is_stopped_at_the_time_limit_with_the_pages_read(
    extractor: IsolatedExtractor, stuck_document: bytes
) -> None:
    started = time.monotonic()

    extraction = extractor.extract(
        stuck_document, "application/pdf", languages="fra+eng", time_limit_s=2
    )

    assert time.monotonic() - started < 3
    assert extraction.status is Status.PARTIAL
    assert extraction.cut_short
    assert [page.text.strip() for page in extraction.pages] == ["First page, read at once"]
    assert extraction.detail == (
        "time limit of 2 s reached with 1 page read; the extraction was stopped"
    )
    _assert_a_worker_serves_again(extractor)


def test_death_of_the_extraction_process_is_a_status(
    extractor: IsolatedExtractor, stuck_document: bytes
) -> None:
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(
            extractor.extract,
            stuck_document,
            "application/pdf",
            languages="fra+eng",
            time_limit_s=60,
        )
        # As the kernel's out-of-memory killer would.
        os.kill(next(_extraction_processes()).pid or 0, signal.SIGKILL)
        extraction = pending.result(timeout=10)

    assert extraction.status in (Status.PARTIAL, Status.UNREADABLE)
    assert extraction.cut_short
    assert extraction.detail.startswith("the extraction died (killed by signal SIGKILL) with ")
    _assert_a_worker_serves_again(extractor)


def test_refused_languages_are_raised_to_the_caller(extractor: IsolatedExtractor) -> None:
    with pytest.raises(ValueError, match="language"):
        extractor.extract(b"text", "text/plain", languages="fra; rm -rf /", time_limit_s=10)


def _assert_a_worker_serves_again(extractor: IsolatedExtractor) -> None:
    document = text_layer_pdf([["Served by a fresh worker"]])

    extraction = extractor.extract(
        document, "application/pdf", languages="fra+eng", time_limit_s=30
    )

    assert extraction.status is Status.COMPLETE
    assert "fresh worker" in extraction.pages[0].text


def _extraction_processes() -> Iterator[multiprocessing.process.BaseProcess]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = [c for c in multiprocessing.active_children() if c.name == "ocr-extraction"]
        if children and children[0].pid is not None:
            # Let it reach the slow page, so that there is something to lose.
            time.sleep(0.5)
            yield children[0]
            return
        time.sleep(0.01)
    raise AssertionError("no extraction process started")


def test_workers_start_with_the_first_document_and_stop_when_closed(
    make_text_layer_pdf: Factory,
) -> None:
    others = _worker_pids()
    extractor = IsolatedExtractor(workers=1)
    document = make_text_layer_pdf([["Lettre de réclamation"]])

    extraction = extractor.extract(document, "application/pdf", languages="fra", time_limit_s=30)
    running = _worker_pids() - others
    extractor.close()

    assert "réclamation" in extraction.pages[0].text
    assert len(running) == 1
    assert _worker_pids() == others
    with pytest.raises(RuntimeError, match="closed"):
        extractor.extract(document, "application/pdf", languages="fra", time_limit_s=30)


def _worker_pids() -> set[int | None]:
    return {c.pid for c in multiprocessing.active_children() if c.name == "ocr-extraction"}
