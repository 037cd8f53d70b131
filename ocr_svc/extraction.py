"""Text extraction from one document: the OCR service's domain, synchronous and self-contained.

`extract_text` never raises for a bad document: every problem of the document itself is
reported in the returned `Extraction`. The caller runs it in a bounded worker pool.
"""

from __future__ import annotations

import enum
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Protocol

from chassis.html_text import html_to_text
from chassis.text_decoding import decode_text
from ocr_svc import media
from ocr_svc.deadline import Deadline, DeadlineExceededError
from ocr_svc.office_text import docx_text, odt_text
from ocr_svc.page_ocr import ocr_page
from ocr_svc.page_source import LayerText, PageFailure, PageSource, UnreadableDocumentError
from ocr_svc.pdf_pages import PdfDocument
from ocr_svc.raster_pages import RasterDocument
from ocr_svc.tesseract import TesseractError, validate_languages

DEFAULT_LANGUAGES = "fra+eng"
DEFAULT_TIME_LIMIT_S = 120.0
_EXACT = 1.0


class Method(enum.Enum):
    """How the text of a page was obtained."""

    TEXT_LAYER = "text_layer"
    """Read from the PDF's own text layer."""
    OCR = "ocr"
    """Recognised by tesseract from the page's image."""
    NATIVE = "native"
    """Read from a text format (plain text, HTML, DOCX, ODT)."""


class Status(enum.Enum):
    """How complete an extraction is."""

    COMPLETE = "complete"
    """Every page was read."""
    PARTIAL = "partial"
    """Some pages were read; `detail` says which failed or that the time limit was reached."""
    UNSUPPORTED = "unsupported"
    """The media type is not one text can be extracted from."""
    UNREADABLE = "unreadable"
    """Nothing could be read; `detail` names the problem."""


@dataclass(frozen=True)
class PageText:
    """The text of one page (a text document is one page)."""

    number: int
    """Position in the document, from 1."""
    text: str
    confidence: float
    """In 0..1: tesseract's mean word confidence for OCR, 1.0 for text read as stored."""
    method: Method
    language: str
    """The tesseract languages used for OCR (e.g. `fra+eng`); empty for text read as stored."""
    seconds: float = 0.0
    """Wall-clock time spent on this page: reading, rendering or taking out its image, OCR."""
    skew_degrees: float = 0.0
    """Anticlockwise skew undone before OCR, in degrees; zero when none was."""


@dataclass(frozen=True)
class Extraction:
    """The outcome of extracting the text of one document."""

    pages: tuple[PageText, ...]
    """The pages read, in document order (pages that failed are absent)."""
    status: Status
    detail: str
    """Empty when complete; otherwise what went wrong, e.g. `page 3: cannot decode image: ...`."""
    seconds: float
    """Wall-clock time spent."""
    cut_short: bool = False
    """True when the time limit (or the death of the process doing it) stopped the work: a later
    attempt with more time may read more, so the outcome is not final."""


class _PagedDocument(Protocol):
    page_count: int

    def pages(self, work_dir: Path, deadline: Deadline) -> Iterator[PageSource]: ...


def extract_text(
    data: bytes,
    media_type: str,
    *,
    languages: str = DEFAULT_LANGUAGES,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    work_dir: Path | None = None,
    on_page: Callable[[PageText], None] | None = None,
) -> Extraction:
    """Extract the text of the document `data` of type `media_type`.

    PDF pages use their text layer when it is usable and are OCR'd otherwise, page by page;
    images (PNG, JPEG, TIFF frames, GIF, BMP, WebP) are OCR'd frame by frame with `languages`;
    plain text, HTML, DOCX and ODT are read natively. An empty or `application/octet-stream`
    media type is detected from the content. Work stops at the first page started after
    `time_limit_s`, and a running tool is killed then (status PARTIAL). Temporary files live in
    a fresh directory under `work_dir` (the system's temporary directory by default), removed
    before returning. `on_page`, when given, is called with each page of a PDF or an image as
    soon as it is read, so that a caller can keep what was read if the work is cut short.

    Raises `ValueError` when `languages` is malformed or (at the first OCR'd page) names a
    language tesseract does not have, and `ToolMissingError` when tesseract or pdftoppm is not
    installed; a bad document never raises.
    """
    started = time.monotonic()
    validate_languages(languages)
    deadline = Deadline.after(time_limit_s)
    outcome = _extract(
        data, media_type, languages=languages, deadline=deadline, work_dir=work_dir, on_page=on_page
    )
    return Extraction(
        outcome.pages,
        outcome.status,
        outcome.detail,
        seconds=time.monotonic() - started,
        cut_short=outcome.cut_short,
    )


class _Outcome(NamedTuple):
    pages: tuple[PageText, ...]
    status: Status
    detail: str = ""
    cut_short: bool = False


def _extract(
    data: bytes,
    media_type: str,
    *,
    languages: str,
    deadline: Deadline,
    work_dir: Path | None,
    on_page: Callable[[PageText], None] | None,
) -> _Outcome:
    if not data:
        return _Outcome((), Status.UNREADABLE, "empty document (0 bytes)")
    kind = media.canonical(media_type)
    if kind in ("", media.OCTET_STREAM):
        kind = media.detect_media_type(data)
    native_reader = _NATIVE_READERS.get(kind)
    try:
        if native_reader is not None:
            text = native_reader(data, media.charset_parameter(media_type))
            page = PageText(1, text, _EXACT, Method.NATIVE, language="")
            return _Outcome((page,), Status.COMPLETE)
        if kind == media.PDF or kind in media.IMAGE_TYPES:
            with tempfile.TemporaryDirectory(prefix="ocr-", dir=work_dir) as temporary:
                document = PdfDocument(data) if kind == media.PDF else RasterDocument(data)
                return _read_pages(document, languages, deadline, Path(temporary), on_page)
    except UnreadableDocumentError as exc:
        return _Outcome((), Status.UNREADABLE, str(exc))
    return _Outcome((), Status.UNSUPPORTED, f"unsupported media type: {kind}")


def _read_pages(
    document: _PagedDocument,
    languages: str,
    deadline: Deadline,
    work_dir: Path,
    on_page: Callable[[PageText], None] | None,
) -> _Outcome:
    read: list[PageText] = []
    failures: list[str] = []
    try:
        # A page's time starts when its source is asked for: rendering it is part of its cost.
        page_started = time.monotonic()
        for source in document.pages(work_dir, deadline):
            page = _read_page(source, languages, deadline)
            if isinstance(page, PageText):
                page = replace(page, seconds=time.monotonic() - page_started)
                read.append(page)
                if on_page is not None:
                    on_page(page)
            else:
                failures.append(page)
            page_started = time.monotonic()
    except DeadlineExceededError:
        done = len(read) + len(failures)
        summary = (
            f"time limit of {deadline.budget_s:g} s reached after {done} of "
            f"{document.page_count} pages"
        )
        return _Outcome(tuple(read), Status.PARTIAL, "; ".join([summary, *failures]), True)
    if not failures:
        return _Outcome(tuple(read), Status.COMPLETE)
    status = Status.PARTIAL if read else Status.UNREADABLE
    return _Outcome(tuple(read), status, "; ".join(failures))


def _read_page(source: PageSource, languages: str, deadline: Deadline) -> PageText | str:
    """The text of one page, or why it has none."""
    if isinstance(source, PageFailure):
        return f"page {source.number}: {source.reason}"
    if isinstance(source, LayerText):
        return PageText(source.number, source.text, _EXACT, Method.TEXT_LAYER, language="")
    try:
        reading = ocr_page(source, languages=languages, deadline=deadline)
    except TesseractError as exc:
        return f"page {source.number}: OCR failed: {exc}"
    recognition = reading.recognition
    return PageText(
        source.number,
        recognition.text,
        recognition.confidence,
        Method.OCR,
        languages,
        skew_degrees=reading.skew_degrees,
    )


def _read_plain(data: bytes, charset: str | None) -> str:
    return decode_text(data, charset).text


def _read_html(data: bytes, charset: str | None) -> str:
    return html_to_text(decode_text(data, charset).text)


def _read_docx(data: bytes, _charset: str | None) -> str:
    return docx_text(data)


def _read_odt(data: bytes, _charset: str | None) -> str:
    return odt_text(data)


_NATIVE_READERS: dict[str, Callable[[bytes, str | None], str]] = {
    media.PLAIN_TEXT: _read_plain,
    media.HTML: _read_html,
    media.DOCX: _read_docx,
    media.ODT: _read_odt,
}
