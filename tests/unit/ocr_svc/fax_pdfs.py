"""PDFs whose page is a bilevel scan stored as fax machines and scanners do: CCITT Group 4 or
JBIG2. Written by hand, since no library here writes them."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageOps, TiffImagePlugin

SCAN_DPI = 150
MARGIN_POINTS = 36
_JBIG2_PAGE_INFORMATION = 48
_JBIG2_IMMEDIATE_LOSSLESS_GENERIC_REGION = 38
_MMR = 1
_TIFF_STRIP_OFFSETS = 273
_TIFF_STRIP_BYTE_COUNTS = 279


def ccitt_pdf(image: Image.Image) -> bytes:
    """A one-page PDF showing `image` as a CCITT Group 4 (T.6) bilevel scan."""
    width, height = image.size
    parameters = f"/DecodeParms << /K -1 /Columns {width} /Rows {height} >>"
    return _image_pdf(image.size, "/CCITTFaxDecode " + parameters, group4(image))


def jbig2_pdf(image: Image.Image) -> bytes:
    """A one-page PDF showing `image` as an embedded JBIG2 stream: one generic region, MMR-coded.

    Poppler 22.12 renders such a region with streaks below every run of ink that ends (its CCITT
    decoder reads the same Group 4 data correctly): `image` should have its last ink on its last
    row; the page around it gives the margin tesseract needs.
    """
    width, height = image.size
    page_information = struct.pack(">IIIIBH", width, height, 0, 0, 0, 0)
    region_information = struct.pack(">IIIIB", width, height, 0, 0, 0)
    region = region_information + bytes([_MMR]) + group4(image)
    stream = _jbig2_segment(0, _JBIG2_PAGE_INFORMATION, page_information) + _jbig2_segment(
        1, _JBIG2_IMMEDIATE_LOSSLESS_GENERIC_REGION, region
    )
    return _image_pdf(image.size, "/JBIG2Decode", stream)


def group4(image: Image.Image) -> bytes:
    """`image` made bilevel and coded with CCITT Group 4, ink as 1 bits (what T.6 calls black)."""
    # libtiff codes runs of 0 bits as white: Pillow's white (1 bits) must be turned to 0.
    inverted = ImageOps.invert(image.convert("L")).convert("1")
    buffer = io.BytesIO()
    inverted.save(buffer, "TIFF", compression="group4")
    tiff = buffer.getvalue()
    with Image.open(io.BytesIO(tiff)) as stored:
        assert isinstance(stored, TiffImagePlugin.TiffImageFile)
        offsets = stored.tag_v2[_TIFF_STRIP_OFFSETS]
        counts = stored.tag_v2[_TIFF_STRIP_BYTE_COUNTS]
    return b"".join(
        tiff[offset : offset + count] for offset, count in zip(offsets, counts, strict=True)
    )


def _jbig2_segment(number: int, kind: int, data: bytes) -> bytes:
    """A segment header (no referred-to segments, page 1) followed by its data."""
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def _image_pdf(size: tuple[int, int], filters: str, stream: bytes) -> bytes:
    width, height = size
    shown_width, shown_height = width * 72 / SCAN_DPI, height * 72 / SCAN_DPI
    page_width, page_height = shown_width + 2 * MARGIN_POINTS, shown_height + 2 * MARGIN_POINTS
    content = (
        f"q {shown_width:.2f} 0 0 {shown_height:.2f} {MARGIN_POINTS} {MARGIN_POINTS} cm /Scan Do Q"
    ).encode()
    image_dictionary = (
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter {filters} /Length {len(stream)} >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_width:.2f} {page_height:.2f}] "
            "/Resources << /XObject << /Scan 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        image_dictionary.encode() + b"\nstream\n" + stream + b"\nendstream",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
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
