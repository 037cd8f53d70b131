"""Documents made by the OCR tests themselves: text images, PDFs with a text layer or a scan."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

FONT_SIZE = 40
MARGIN = 30
LINE_SPACING = 1.5
SCAN_DPI = 150



def render_text(lines: Sequence[str]) -> Image.Image:
    """A white greyscale image with `lines` in black, large enough for tesseract."""
    font = ImageFont.load_default(size=FONT_SIZE)
    width = int(max(font.getlength(line) for line in lines)) + 2 * MARGIN
    step = int(FONT_SIZE * LINE_SPACING)
    image = Image.new("L", (width, step * len(lines) + 2 * MARGIN), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + index * step), line, font=font, fill=0)
    return image


def text_layer_pdf(pages: Sequence[Sequence[str]], *, invisible: bool = False) -> bytes:
    """A PDF written by hand whose pages carry `pages` as a real text layer (Helvetica).

    With `invisible`, the text is not painted (render mode 3), as OCR'd scans store theirs.
    """
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    page_objects: list[bytes] = []
    kids: list[str] = []
    for index, lines in enumerate(pages):
        page_id = 4 + 2 * index
        stream = _text_content(lines, invisible=invisible)
        page_objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        page_objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(f"{page_id} 0 R")
    pages_object = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", pages_object, font, *page_objects]
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def _text_content(lines: Sequence[str], *, invisible: bool) -> bytes:
    operators = ["BT", "/F1 14 Tf", "18 TL", "72 720 Td"]
    if invisible:
        operators.append("3 Tr")
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        operators.append(f"({escaped}) Tj T*")
    operators.append("ET")
    return "\n".join(operators).encode("cp1252")


def scanned_pdf(*pages: Image.Image, dpi: int = SCAN_DPI) -> bytes:
    """An image-only PDF, one page per image, as Pillow writes it (a JPEG per page)."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=list(pages[1:]))
    return buffer.getvalue()


def joined_pdf(*documents: bytes) -> bytes:
    """The pages of `documents`, in order, in one PDF."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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
    """Factory: an image-only PDF (see `scanned_pdf`)."""
    return scanned_pdf


@pytest.fixture
def join_pdfs() -> Callable[..., bytes]:
    """Factory: PDFs concatenated page by page (see `joined_pdf`)."""
    return joined_pdf
