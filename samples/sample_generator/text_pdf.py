"""A minimal PDF writer: one A4 page whose text is a real, extractable text layer.

Text is set in the standard Helvetica fonts with WinAnsiEncoding, so French accents, the euro
and the pound signs need no embedded font. Nothing time-dependent is written, so the same page
always gives the same bytes.
"""

PAGE_WIDTH = 595.0
PAGE_HEIGHT = 842.0
_FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold"}


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) bytes, with its delimiters escaped."""
    encoded = text.encode("cp1252")
    escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


class TextPage:
    """One A4 page being laid out, in points from the bottom-left corner.

    Text must be representable in cp1252 (UnicodeEncodeError otherwise).
    """

    def __init__(self) -> None:
        self._operations: list[bytes] = []

    def text(
        self, x: float, y: float, content: str, *, size: float = 11, bold: bool = False
    ) -> None:
        """Set one line of text with its baseline starting at (x, y)."""
        font = "F2" if bold else "F1"
        self._operations.append(
            b"BT /%s %.1f Tf %.1f %.1f Td %s Tj ET" % (font.encode(), size, x, y, _literal(content))
        )

    def lines(
        self, x: float, y: float, contents: list[str], *, size: float = 11, leading: float = 15
    ) -> float:
        """Set consecutive lines downwards from (x, y); return the baseline after the last."""
        for content in contents:
            self.text(x, y, content, size=size)
            y -= leading
        return y

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.8) -> None:
        """Draw a straight line."""
        self._operations.append(b"%.1f w %.1f %.1f m %.1f %.1f l S" % (width, x1, y1, x2, y2))

    def band(self, x: float, y: float, width: float, height: float, gray: float) -> None:
        """Fill a rectangle in a shade of gray (0 black, 1 white), then go back to black."""
        self._operations.append(
            b"%.2f g %.1f %.1f %.1f %.1f re f 0 g" % (gray, x, y, width, height)
        )

    def content_stream(self) -> bytes:
        """The page's drawing operations, one per line."""
        return b"\n".join(self._operations) + b"\n"


def render_pdf(page: TextPage, title: str) -> bytes:
    """Return a complete one-page PDF file (catalog, page, fonts, content, info, xref)."""
    font_refs = " ".join(f"/{name} {4 + index} 0 R" for index, name in enumerate(_FONTS))
    content = page.content_stream()
    contents_number = 4 + len(_FONTS)
    bodies: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:.0f} {PAGE_HEIGHT:.0f}] "
            f"/Resources << /Font << {font_refs} >> >> /Contents {contents_number} 0 R >>"
        ).encode(),
        *(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
            % base.encode()
            for base in _FONTS.values()
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Title " + _literal(title) + b" /Producer (Conflux sample generator) >>",
    ]
    info_number = len(bodies)
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(bodies) + 1, info_number)
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)
