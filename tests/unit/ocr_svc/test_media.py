"""Media type detection from content and file name."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from ocr_svc import media
from ocr_svc.media import canonical, charset_parameter, detect_media_type


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (4, 4), 255).save(buffer, image_format)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("image_format", "expected"),
    [
        ("PNG", media.PNG),
        ("JPEG", media.JPEG),
        ("TIFF", media.TIFF),
        ("GIF", media.GIF),
        ("BMP", media.BMP),
        ("WEBP", media.WEBP),
    ],
)
def test_images_are_known_by_their_magic_bytes(image_format: str, expected: str) -> None:
    assert detect_media_type(_image(image_format), "misleading.txt") == expected


def test_pdf_is_found_after_leading_junk() -> None:
    assert detect_media_type(b"\r\n junk from a gateway\n%PDF-1.7\n...") == media.PDF


def test_office_documents_are_told_apart_inside_their_zip() -> None:
    odt = _zip({"mimetype": media.ODT.encode(), "content.xml": b"<x/>"})
    docx = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
    other = _zip({"readme.txt": b"hello"})

    assert detect_media_type(odt) == media.ODT
    assert detect_media_type(docx) == media.DOCX
    assert detect_media_type(other) == media.ZIP


def test_html_and_plain_text_are_sniffed() -> None:
    assert detect_media_type(b"  <!DOCTYPE html><html><body>Hi</body></html>") == media.HTML
    assert detect_media_type(b"<div>Bonjour</div><br>") == media.HTML
    assert detect_media_type("Bonjour, voici ma réclamation".encode()) == media.PLAIN_TEXT
    assert detect_media_type("Réclamation".encode("utf-16")) == media.PLAIN_TEXT


def test_text_starting_like_a_bitmap_is_still_text() -> None:
    assert detect_media_type(b"BMW dealership, please call me back") == media.PLAIN_TEXT


def test_file_name_decides_when_content_has_no_magic() -> None:
    garbage = bytes(range(256)) * 4

    assert detect_media_type(garbage, "scan.PDF") == media.PDF
    assert detect_media_type(garbage, "blob") == media.OCTET_STREAM
    assert detect_media_type(b"", "") == media.OCTET_STREAM


def test_media_types_are_made_canonical() -> None:
    assert canonical("Image/JPG; name=x") == media.JPEG
    assert canonical("TEXT/HTML; charset=UTF-8") == media.HTML
    assert charset_parameter('text/plain; format=flowed; charset="ISO-8859-1"') == "iso-8859-1"
    assert charset_parameter("text/plain") is None
