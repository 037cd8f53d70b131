"""Media types of the documents the OCR service meets, and their detection from content."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from charset_normalizer import from_bytes

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
GIF = "image/gif"
BMP = "image/bmp"
WEBP = "image/webp"
PLAIN_TEXT = "text/plain"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"
OCTET_STREAM = "application/octet-stream"

IMAGE_TYPES = frozenset({PNG, JPEG, TIFF, GIF, BMP, WEBP})
"""Image types whose frames are pages to OCR."""

_ALIASES = {
    "application/x-pdf": PDF,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-tiff": TIFF,
    "image/x-png": PNG,
    "image/x-ms-bmp": BMP,
    "application/xhtml+xml": HTML,
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
# Readers tolerate bytes before the header (mail gateways and scanners prepend some).
_PDF_HEADER = b"%PDF-"
_PDF_HEADER_SEARCH = 1024
_SNIFF_BYTES = 8192
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_HTML_MARKERS = (b"<html", b"<body", b"<p>", b"<div", b"<br", b"<table")
_ODF_NAME = b"mimetype"
_ODF_NAME_AT = 30
_ODF_PREFIX = b"application/vnd.oasis.opendocument."
_MAX_MIMETYPE = 100
_OOXML_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
_EXTENSIONS = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".gif": GIF,
    ".bmp": BMP,
    ".webp": WEBP,
    ".txt": PLAIN_TEXT,
    ".htm": HTML,
    ".html": HTML,
    ".docx": DOCX,
    ".odt": ODT,
}


def detect_media_type(data: bytes, file_name: str = "") -> str:
    """Return the media type of `data`, from its content first and its file name second.

    Magic bytes decide when present (PDF, PNG, JPEG, TIFF, GIF, BMP, WebP, zip-based office
    documents); otherwise the extension of `file_name` decides when it names a known type, so that
    a damaged file keeps the type it claims and its reading can say what is wrong; otherwise
    content that decodes as text is `text/html` or `text/plain`; anything else is
    `application/octet-stream`.
    """
    head = data[:_SNIFF_BYTES]
    sniffed = _sniff_magic(data, head)
    if sniffed is not None:
        return sniffed
    named = _EXTENSIONS.get(PurePath(file_name).suffix.lower())
    if named is not None:
        return named
    if _looks_like_text(head):
        return HTML if _looks_like_html(head) else PLAIN_TEXT
    return OCTET_STREAM


def canonical(media_type: str) -> str:
    """Return `media_type` lower-cased, without parameters, common aliases replaced by the
    registered name (`Image/JPG; x=y` -> `image/jpeg`)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(essence, essence)


def charset_parameter(media_type: str) -> str | None:
    """Return the `charset` parameter of `media_type`, if any."""
    for parameter in media_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _sniff_magic(data: bytes, head: bytes) -> str | None:
    if _PDF_HEADER in head[:_PDF_HEADER_SEARCH]:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    # "BM" alone also starts plain text; a bitmap's header has four reserved zero bytes after it.
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return BMP
    if head.startswith(b"PK\x03\x04"):
        return _zip_media_type(data, head)
    return None


def _zip_media_type(data: bytes, head: bytes) -> str:
    # OpenDocument stores its media type, uncompressed, as the first entry of its zip: readable
    # without opening the archive, which may be damaged.
    if head[_ODF_NAME_AT : _ODF_NAME_AT + len(_ODF_NAME)] == _ODF_NAME:
        declared = head[_ODF_NAME_AT + len(_ODF_NAME) :].split(b"PK", 1)[0]
        if declared.startswith(_ODF_PREFIX) and len(declared) <= _MAX_MIMETYPE:
            return declared.decode("ascii", errors="replace")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return ZIP
    for part, media_type in _OOXML_PARTS:
        if part in names:
            return media_type
    return ZIP


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniffing window is still UTF-8.
        if exc.start < len(head) - 3:
            return from_bytes(head).best() is not None
    return True


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_HTML_STARTS):
        return True
    return start.startswith(b"<") and any(marker in start for marker in _HTML_MARKERS)
