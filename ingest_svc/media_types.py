"""What a piece of content really is, from its bytes rather than from what its sender claims.

Senders mislabel attachments all the time (``application/octet-stream`` for a PDF, ``image/jpeg``
for a PNG, a ``.pdf`` that is an HTML error page), so every media type Conflux stores is sniffed
from the content first and falls back on the declared type only when the bytes say nothing.
"""

import io
import mimetypes
import re
import zipfile
from typing import Literal

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OUTLOOK_MESSAGE = "application/vnd.ms-outlook"
WORD_97 = "application/msword"
EXCEL_97 = "application/vnd.ms-excel"
POWERPOINT_97 = "application/vnd.ms-powerpoint"
OLE_STORAGE = "application/x-ole-storage"
TNEF = "application/ms-tnef"
RTF = "application/rtf"
RFC822 = "message/rfc822"
HTML = "text/html"
PLAIN_TEXT = "text/plain"
OCTET_STREAM = "application/octet-stream"

SCANNED_DOCUMENT_TYPES = frozenset({PDF, TIFF, PNG, JPEG})
"""The types a scanner, a fax gateway or a phone camera produces: what OCR accepts."""

EMAIL_HEADER_NAMES = frozenset(
    {"from", "to", "subject", "date", "message-id", "received", "mime-version"}
)
"""Header fields of which an RFC 822 message has at least one (lower-case names)."""

HEADER_LINE = re.compile(rb"(?:From |[!-9;-~]+[ \t]*:)")
"""The start of an RFC 822 header line (field names are printable ASCII without a colon; some
mailers put spaces before the colon), or the mbox envelope line ``From sender date``."""

_PREFIX_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\x78\x9f\x3e\x22", TNEF),
    (b"{\\rtf", RTF),
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

_PDF_HEADER_MARKER = b"%PDF-"
# PDF readers accept the header anywhere in the first kilobyte (some generators prepend junk).
_PDF_HEADER_WINDOW = 1024
_PDF_END_MARKER = b"%%EOF"
# Acrobat looks for %%EOF in the last kilobyte; writers that pad beyond it produce broken files.
_PDF_TRAILER_WINDOW = 1024
_PNG_END_CHUNK = b"IEND"
_TIFF_HEADER_SIZE = 8
# An OLE file is a small file system: its directory names the streams, in UTF-16LE, and the
# stream names tell the application apart. Outlook's property streams come first because a
# .msg carrying a Word attachment also contains the name "WordDocument".
_OLE_STREAM_TYPES: tuple[tuple[bytes, str], ...] = (
    ("__substg1.0_".encode("utf-16-le"), OUTLOOK_MESSAGE),
    ("WordDocument".encode("utf-16-le"), WORD_97),
    ("Workbook".encode("utf-16-le"), EXCEL_97),
    ("Book".encode("utf-16-le"), EXCEL_97),
    ("PowerPoint Document".encode("utf-16-le"), POWERPOINT_97),
)
_OOXML_PART_TYPES: tuple[tuple[str, str], ...] = (
    ("word/", DOCX),
    ("xl/", XLSX),
    ("ppt/", PPTX),
)
# OpenDocument and EPUB name their type in a tiny first member called "mimetype".
_ZIP_MIMETYPE_MEMBER = "mimetype"
_ZIP_MIMETYPE_MAX_SIZE = 200

_SNIFF_WINDOW = 4096
_MARKUP_WINDOW = 1024
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<table")
# Bytes found in text in any ASCII-compatible charset: everything but the C0 controls other than
# tab, line feed, form feed, carriage return and escape (ISO-2022 uses escape), and DEL.
_TEXT_BYTES = bytes([0x09, 0x0A, 0x0C, 0x0D, 0x1B, *range(0x20, 0x7F), *range(0x80, 0x100)])
_BINARY_FAMILIES = frozenset({"image", "audio", "video", "font", "model"})
_SIGNATURE_TYPES = frozenset(
    {media_type for _, media_type in _PREFIX_SIGNATURES + _OLE_STREAM_TYPES}
    | {PDF, ZIP, OLE_STORAGE, *(media_type for _, media_type in _OOXML_PART_TYPES)}
)
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
# The interpreter's built-in extension table only: /etc/mime.types differs between machines and
# would make the same attachment sniff differently in CI and in production.
_EXTENSION_TYPES = mimetypes.MimeTypes(filenames=())


class NotADocumentError(ValueError):
    """Raised when bytes offered as a scanned document cannot be one; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff_media_type(data: bytes, declared: str = "", file_name: str = "") -> str:
    """Return the media type of ``data``, judged from its bytes.

    Binary formats are recognised by their signatures (PDF, TIFF, PNG, JPEG, GIF, TNEF, RTF;
    Office Open XML and OpenDocument by the names inside the zip; Outlook .msg, Word, Excel and
    PowerPoint 97 by the stream names of the OLE container). Text is recognised as an RFC 822
    message, as HTML, or as plain text; for text the declared type (or, failing that, the file
    name's) is kept unless it claims a binary format (``text/csv`` and ``application/pgp-signature``
    stay, a ``.pdf`` that is text becomes ``text/plain``). Content that
    matches nothing gets the declared type, else the type of the file name's extension, else
    ``application/octet-stream``. Never raises.
    """
    declared_type = _normalised_media_type(declared)
    head = data[:_SNIFF_WINDOW]
    for signature, media_type in _PREFIX_SIGNATURES:
        if head.startswith(signature):
            return media_type
    if _PDF_HEADER_MARKER in head[:_PDF_HEADER_WINDOW]:
        return PDF
    if head.startswith(_OLE_SIGNATURE):
        return _ole_media_type(data, declared_type, file_name)
    if head.startswith(_ZIP_SIGNATURES):
        return _zip_media_type(data)
    if head and _looks_like_text(head):
        if starts_with_email_headers(head):
            return RFC822
        if _looks_like_html(head):
            return HTML
        for candidate in (declared_type, _extension_media_type(file_name)):
            if candidate and not _is_binary_claim(candidate):
                return candidate
        return PLAIN_TEXT
    return declared_type or _extension_media_type(file_name) or OCTET_STREAM


def check_document(data: bytes, declared_media_type: str, *, file_name: str = "") -> str:
    """Return the sniffed media type of a scanned document (PDF, TIFF, PNG or JPEG).

    Raises ``NotADocumentError`` naming the problem when ``data`` is empty, when its content is
    not one of those types whatever it claims (a ``.pdf`` that is an HTML page), or when it is cut
    short (a PDF without ``%%EOF`` near its end, a PNG without its IEND chunk, a TIFF whose first
    directory lies past the end). A document of one scanned type declared as another (a JPEG sent
    as ``image/png``) is accepted: the returned type is the true one.
    """
    claimed = _claim(declared_media_type, file_name)
    if not data:
        raise NotADocumentError(f"empty document (0 bytes){claimed}")
    media_type = sniff_media_type(data, declared_media_type, file_name)
    if media_type not in SCANNED_DOCUMENT_TYPES:
        raise NotADocumentError(f"content is {media_type}, not a PDF or an image{claimed}")
    if media_type == PDF and _PDF_END_MARKER not in data[-_PDF_TRAILER_WINDOW:]:
        raise NotADocumentError(
            f"truncated PDF: no %%EOF in its last {_PDF_TRAILER_WINDOW} bytes "
            f"({len(data)} bytes){claimed}"
        )
    if media_type == PNG and data.rfind(_PNG_END_CHUNK) == -1:
        raise NotADocumentError(f"truncated PNG: no IEND chunk ({len(data)} bytes){claimed}")
    if media_type == TIFF and not _tiff_directory_is_inside(data):
        raise NotADocumentError(
            f"truncated TIFF: its first image directory lies past the end "
            f"({len(data)} bytes){claimed}"
        )
    return media_type


def starts_with_email_headers(head: bytes) -> bool:
    """Tell whether ``head`` (the first kilobytes of some content) opens with an RFC 822 header
    block: a header line first, and one of the usual email fields among the header lines."""
    if HEADER_LINE.match(head) is None:
        return False
    for line in head.split(b"\n"):
        if not line.strip():
            break
        name, colon, _ = line.partition(b":")
        if colon and name.strip().lower().decode("ascii", "replace") in EMAIL_HEADER_NAMES:
            return True
    return False


def _ole_media_type(data: bytes, declared_type: str, file_name: str) -> str:
    for stream_name, media_type in _OLE_STREAM_TYPES:
        if stream_name in data:
            return media_type
    return declared_type or _extension_media_type(file_name) or OLE_STORAGE


def _zip_media_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if _ZIP_MIMETYPE_MEMBER in names:
                member = archive.getinfo(_ZIP_MIMETYPE_MEMBER)
                if member.file_size <= _ZIP_MIMETYPE_MAX_SIZE:
                    named_inside = archive.read(member).decode("ascii", "replace").strip()
                    if _MEDIA_TYPE.fullmatch(named_inside):
                        return named_inside
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError):
        # A zip whose directory is damaged or cut still starts like a zip: say so, no more.
        return ZIP
    return next(
        (
            media_type
            for prefix, media_type in _OOXML_PART_TYPES
            if any(name.startswith(prefix) for name in names)
        ),
        ZIP,
    )


def _looks_like_text(head: bytes) -> bool:
    return not head.translate(None, _TEXT_BYTES)


def _looks_like_html(head: bytes) -> bool:
    start = head[:_MARKUP_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<") and any(marker in start for marker in _HTML_MARKERS)


def _tiff_directory_is_inside(data: bytes) -> bool:
    if len(data) < _TIFF_HEADER_SIZE:
        return False
    byte_order: Literal["little", "big"] = "little" if data.startswith(b"II") else "big"
    return int.from_bytes(data[4:8], byte_order) + 2 <= len(data)


def _normalised_media_type(declared: str) -> str:
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type == OCTET_STREAM or not _MEDIA_TYPE.fullmatch(media_type):
        return ""
    return media_type


def _extension_media_type(file_name: str) -> str:
    guessed, _ = _EXTENSION_TYPES.guess_type(file_name.strip(), strict=False)
    return guessed or ""


def _is_binary_claim(media_type: str) -> bool:
    """A type that text cannot be: a media family, or a format recognised by its signature."""
    return media_type.split("/", 1)[0] in _BINARY_FAMILIES or media_type in _SIGNATURE_TYPES


def _claim(declared_media_type: str, file_name: str) -> str:
    claims = [part for part in (declared_media_type, file_name) if part]
    return f" (declared as {', '.join(claims)})" if claims else ""
