"""Turning the bytes of a text document into a string, whatever its character encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ocr_svc.page_source import UnreadableDocumentError

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, declared_charset: str | None = None) -> str:
    """Return `data` decoded as text.

    Tried in order: the encoding its byte-order mark names; UTF-8 (valid UTF-8 is rarely an
    accident, while declared charsets often are wrong); the declared charset; the encoding
    charset-normalizer finds most plausible. Raises `UnreadableDocumentError` when none fits.
    """
    candidates = [encoding for bom, encoding in _BYTE_ORDER_MARKS if data.startswith(bom)]
    # UTF-16 without a byte-order mark is valid UTF-8 full of NUL characters.
    if b"\x00" not in data:
        candidates.append("utf-8")
    if declared_charset:
        candidates.append(declared_charset)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocumentError("cannot determine the character encoding of the text")
    return str(best)
