"""TNEF (``winmail.dat``, ``application/ms-tnef``) unpacked into what it carries.

Outlook and Exchange wrap the attachments of a rich-text email in one TNEF attachment that no
other mail client opens: the customer's documents are inside it, with the message's body (plain,
HTML or compressed RTF) and, for attached Outlook items, whole embedded messages. Decoding is
``tnefparse``'s; this module turns its result into plain values and readable text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME  # type: ignore[import-untyped]
from tnefparse.tnef import TNEF  # type: ignore[import-untyped]

from chassis.html_text import html_to_text
from chassis.text_decoding import decode_text
from ingest_svc.rtf_text import rtf_to_text

_SIGNATURE = b"\x78\x9f\x3e\x22"


@dataclass(frozen=True)
class TnefFile:
    """A file carried by a TNEF message, its bytes as attached."""

    data: bytes
    file_name: str
    """The long file name where there is one, else the 8.3 title; "" if none."""


@dataclass(frozen=True)
class TnefMessage:
    """What a TNEF stream holds: a subject, the body as text, files and embedded messages."""

    subject: str
    body_text: str
    """The plain body, else the HTML body made readable, else the RTF body made readable."""
    attachments: tuple[TnefFile | TnefMessage, ...]
    """In the order they were attached; an Outlook item attached as such is a ``TnefMessage``."""
    defects: tuple[str, ...]
    """What could not be decoded while the rest could (a damaged compressed RTF body)."""


class MalformedTnefError(ValueError):
    """Raised when bytes cannot be decoded as TNEF; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unpack_tnef(data: bytes) -> TnefMessage:
    """Decode the TNEF stream ``data`` into its subject, body text, files and embedded messages.

    Damaged attribute checksums are tolerated (the content is kept). Raises ``MalformedTnefError``
    when ``data`` lacks the TNEF signature or its structure cannot be decoded.
    """
    if not data.startswith(_SIGNATURE):
        raise MalformedTnefError(f"no TNEF signature: the content starts with {data[:8]!r}")
    try:
        decoded = TNEF(data)
        return _message(decoded)
    except RecursionError:
        raise MalformedTnefError("embedded messages nested too deeply to decode") from None
    # tnefparse raises whatever its struct reads, codecs and asserts raise on damaged input
    # (struct.error, IndexError, UnicodeDecodeError, AssertionError, LookupError...): each means
    # the same thing here.
    except Exception as error:
        raise MalformedTnefError(f"not decodable as TNEF: {error}") from error


def _message(decoded: Any) -> TnefMessage:
    subject = next(
        (
            str(attribute.data)
            for attribute in decoded.msgprops
            if attribute.name == TNEF.ATTSUBJECT
        ),
        "",
    )
    attachments: list[TnefFile | TnefMessage] = []
    for attachment in decoded.attachments:
        embedded = getattr(attachment, "embed", None)
        if embedded is not None:
            attachments.append(_message(embedded))
        else:
            attachments.append(TnefFile(bytes(attachment.data), _file_name(attachment)))
    defects: list[str] = []
    return TnefMessage(
        subject=subject.replace("\x00", "").strip(),
        body_text=_body_text(decoded, defects).replace("\x00", "").strip(),
        attachments=tuple(attachments),
        defects=tuple(defects),
    )


def _body_text(decoded: Any, defects: list[str]) -> str:
    if decoded.body:
        return _text(decoded.body, decoded.codepage)
    if decoded.htmlbody:
        return html_to_text(_text(decoded.htmlbody, decoded.codepage))
    try:
        rtf = decoded.rtfbody
    # compressed_rtf raises on a damaged stream whatever the damage; the files are still good.
    except Exception as error:
        defects.append(f"TNEF RTF body not decompressible ({error})")
        return ""
    return rtf_to_text(rtf) if rtf else ""


def _file_name(attachment: Any) -> str:
    long_names = [
        attribute.data
        for attribute in attachment.mapi_attrs
        if attribute.name == MAPI_ATTACH_LONG_FILENAME
    ]
    # tnefparse's ``name`` decodes the 8.3 title as UTF-8, which it seldom is: the raw bytes are
    # decoded here instead.
    name = long_names[0] if long_names else attachment._name
    return _text(name, None).replace("\x00", "").strip()


def _text(value: str | bytes, codepage: str | None) -> str:
    return value if isinstance(value, str) else decode_text(value, codepage).text
