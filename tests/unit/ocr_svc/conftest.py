"""Documents made by the OCR tests themselves: text images, PDFs with a text layer or a scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from PIL import Image

from tests.support.documents import joined_pdf, render_text, scanned_pdf_of, text_layer_pdf


@pytest.fixture
def text_image() -> Callable[[Sequence[str]], Image.Image]:
    """Factory: an image of text lines (see `render_text`)."""
    return render_text


@pytest.fixture
def make_text_layer_pdf() -> Callable[..., bytes]:
    """Factory: a PDF with a real text layer (see `text_layer_pdf`)."""
    return text_layer_pdf


@pytest.fixture
def make_scanned_pdf() -> Callable[..., bytes]:
    """Factory: an image-only PDF (see `scanned_pdf_of`)."""
    return scanned_pdf_of


@pytest.fixture
def join_pdfs() -> Callable[..., bytes]:
    """Factory: PDFs concatenated page by page (see `joined_pdf`)."""
    return joined_pdf
