"""PDF documents read page by page: the text layer where it is usable, a page image otherwise."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import LimitReachedError

from ocr_svc.deadline import Deadline
from ocr_svc.page_source import LayerText, PageFailure, PageSource, UnreadableDocumentError
from ocr_svc.pdf_render import RenderError, render_dpi, render_page
from ocr_svc.pdf_scan_image import extract_scan_image, image_xobjects
from ocr_svc.text_layer import is_usable_text_layer

# Readers accept bytes before the header (mail gateways and scanners prepend some).
_HEADER = b"%PDF-"
_HEADER_SEARCH = 1024


class PdfDocument:
    """A PDF opened for reading, decrypted with the empty password when it is encrypted."""

    def __init__(self, data: bytes) -> None:
        """Open `data`.

        Raises `UnreadableDocumentError` when it is not a PDF, is damaged beyond what pypdf
        repairs, has no pages, or is encrypted with a password other than the empty one.
        """
        if _HEADER not in data[:_HEADER_SEARCH]:
            raise UnreadableDocumentError("not a PDF: no %PDF- header")
        self._data = data
        self._file: Path | None = None
        try:
            self._reader = PdfReader(io.BytesIO(data))
            if self._reader.is_encrypted:
                self._decrypt()
            self.page_count: int = len(self._reader.pages)
        except UnreadableDocumentError:
            raise
        except Exception as exc:
            # pypdf raises many exception types on damaged files, not only PdfReadError.
            raise UnreadableDocumentError(f"malformed PDF: {exc}") from exc
        if self.page_count == 0:
            raise UnreadableDocumentError("malformed PDF: it has no pages")

    def pages(self, work_dir: Path, deadline: Deadline) -> Iterator[PageSource]:
        """Yield each page in order: its text layer when usable, else its image under `work_dir`.

        A page's image is the scan it stores when it is nothing but that, otherwise the page
        rendered by pdftoppm. A page that can be neither read nor rendered is a `PageFailure`.
        Raises `DeadlineExceededError` before a page, or during rendering, once the deadline passes.
        """
        for index in range(self.page_count):
            deadline.check()
            yield self._page(index, work_dir, deadline)

    def _decrypt(self) -> None:
        try:
            decrypted = self._reader.decrypt("")
        except Exception as exc:
            raise UnreadableDocumentError(f"encrypted: {exc}") from exc
        if decrypted == PasswordType.NOT_DECRYPTED:
            raise UnreadableDocumentError("encrypted: a password is required to open it")

    def _page(self, index: int, work_dir: Path, deadline: Deadline) -> PageSource:
        number = index + 1
        try:
            page = self._reader.pages[index]
            # A page without a content stream is blank: there is nothing to recognise.
            if page.get("/Contents") is None:
                return LayerText(number, "")
            text = _text_layer(page)
            if is_usable_text_layer(text, page_has_images=bool(image_xobjects(page))):
                return LayerText(number, text)
            scan = extract_scan_image(page, number, work_dir)
            if scan is not None:
                return scan
            width, height = float(page.mediabox.width), float(page.mediabox.height)
        except LimitReachedError as exc:
            # Rendering it would make poppler inflate the same stream, without pypdf's limit.
            return PageFailure(number, f"content too large (decompression bomb?): {exc}")
        except Exception as exc:
            # pypdf raises many exception types on damaged page objects.
            return PageFailure(number, f"cannot read page: {exc}")
        try:
            return render_page(
                self._written(work_dir),
                number,
                dpi=render_dpi(width, height),
                work_dir=work_dir,
                deadline=deadline,
            )
        except RenderError as exc:
            return PageFailure(number, f"cannot render page: {exc}")

    def _written(self, work_dir: Path) -> Path:
        """The document as a file, for pdftoppm; written once, when a page first needs it."""
        if self._file is None:
            self._file = work_dir / "document.pdf"
            self._file.write_bytes(self._data)
        return self._file


def _text_layer(page: PageObject) -> str:
    try:
        return page.extract_text()
    except LimitReachedError:
        raise
    except Exception:
        # A content stream pypdf cannot interpret has no usable text layer: OCR reads the page.
        return ""
