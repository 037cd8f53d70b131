"""Documents the tests make for themselves: PDFs with a text layer, scanned (image-only) PDFs,
emails with attachments, short-message JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

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


def scanned_pdf_of(*pages: Image.Image, dpi: int = SCAN_DPI) -> bytes:
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


def scanned_pdf(lines: Sequence[str]) -> bytes:
    """An image-only PDF (no text layer) of ``lines``, one page."""
    return scanned_pdf_of(render_text(lines))


def email_bytes(
    *,
    sender: str,
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    message_id: str | None = None,
    sent: datetime | None = None,
    html: str | None = None,
) -> bytes:
    """An RFC 822 email; ``attachments`` are (file name, media type, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service-client@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if sent is not None:
        message["Date"] = format_datetime(sent)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, media_type, data in attachments:
        maintype, subtype = media_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def short_message_json(**fields: Any) -> bytes:
    """A short-message item as the JSON the CLI and JSON clients send."""
    return json.dumps(fields, ensure_ascii=False).encode()
