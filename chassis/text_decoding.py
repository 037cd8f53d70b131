"""Bytes of a text whose declared charset may be missing or wrong, made into text without failing.

Mail headers and bodies declare charsets that do not exist (``x-unknown``), that are not the
bytes' real encoding (Latin-1 bytes sent as ``utf-8``), or nothing at all. Refusing such text
would lose a customer's request, so decoding always succeeds and says what went wrong instead.
"""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Charsets that mislabelled mail most often really is, per the WHATWG encoding standard: bytes
# labelled Latin-1 or ASCII are decoded as Windows-1252, which only differs from Latin-1 in the
# 0x80-0x9F range where Latin-1 has control characters no real text contains.
_WESTERN_CODEPAGE = "cp1252"
_LATIN_1 = "iso8859-1"
_WESTERN_LABELS = frozenset({_LATIN_1, "iso8859-15", "cp1252"})
_ASCII = "ascii"
_UTF8 = "utf-8"
# Statistical detection is unreliable on the short texts mail is made of (charset-normalizer
# reads "Café à Noël" in Latin-1 as Urdu, a Latin-1 subject as Japanese), so Windows-1252 is tried
# first, and kept when the text reads like a Western language.
# A byte order mark names the encoding better than any label: UTF-16 text in particular is not
# readable as anything else.
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{3,}")


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, the codec that produced it, and what was wrong with the label."""

    text: str
    charset: str
    problem: str
    """Empty when the declared charset decoded the bytes; otherwise why another one was used."""


def decode_text(data: bytes, declared_charset: str | None = None) -> DecodedText:
    """Decode ``data`` into text; never raises.

    The declared charset is used when it exists and decodes the bytes (Latin-1 and ASCII labels
    read as Windows-1252; a Western label on bytes that are valid UTF-8 reads them as UTF-8, the
    usual mislabelling). Otherwise the text is ASCII, UTF-8, the encoding charset-normalizer finds
    (Windows-1252 on a tie), or Latin-1, in that order, and ``problem`` names the failed label.
    """
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            decoded = _strict(data, codec)
            if decoded is not None:
                return DecodedText(decoded, codec, "")
    label = (declared_charset or "").strip().strip("\"'").lower()
    if not label:
        return _detect(data, "")
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return _detect(data, f"unknown charset {label!r}")
    if codec == _ASCII and not data.isascii():
        return _detect(data, f"charset {label!r} declared but the text has 8-bit bytes")
    if codec in _WESTERN_LABELS and not data.isascii():
        as_utf8 = _strict(data, _UTF8)
        if as_utf8 is not None:
            return DecodedText(as_utf8, _UTF8, f"charset {label!r} declared but the text is UTF-8")
        if codec == _LATIN_1:
            codec = _WESTERN_CODEPAGE
    decoded = _strict(data, codec)
    if decoded is not None:
        return DecodedText(decoded, codec, "")
    return _detect(data, f"charset {label!r} declared but the text is not {label}")


def _detect(data: bytes, problem: str) -> DecodedText:
    if data.isascii():
        return DecodedText(data.decode(_ASCII), _ASCII, problem)
    for codec in (_UTF8, _WESTERN_CODEPAGE):
        decoded = _strict(data, codec)
        if decoded is not None and (codec == _UTF8 or _plausibly_western(decoded)):
            return DecodedText(decoded, codec, problem)
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return DecodedText(str(best), best.encoding, problem)
    # Latin-1 maps every byte to a character: the last resort that cannot fail.
    return DecodedText(data.decode(_LATIN_1), _LATIN_1, problem)


def _plausibly_western(text: str) -> bool:
    """Accented letters of Western languages sit among ASCII ones ("Frösche", "Noël"); Cyrillic
    or Greek bytes read as Windows-1252 give runs of accented letters only ("Ïðèâåò")."""
    return _NON_ASCII_RUN.search(text) is None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        # A byte order mark is an encoding artefact, never part of the text.
        return data.decode(codec).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        # LookupError: codecs.lookup also knows bytes-to-bytes codecs such as "base64".
        return None
