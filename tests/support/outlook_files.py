"""Outlook files the tests make for themselves: ``.msg`` (an OLE compound file of MAPI property
streams, written with extract-msg's ``OleWriter``) and TNEF ``winmail.dat`` streams.

Only what readers look at is written ([MS-OXMSG], [MS-OXTNEF]): the property streams of the
message, its recipients and attachments, with the fixed-size properties in each object's
``__properties_version1.0`` stream.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from compressed_rtf import compress  # type: ignore[import-untyped]
from extract_msg.ole_writer import OleWriter

TO, CC, BCC = 1, 2, 3
_ATTACH_BY_VALUE = 1
_ATTACH_EMBEDDED_MESSAGE = 5
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class MsgAttachment:
    """A file attached to a ``MsgMessage``."""

    file_name: str
    data: bytes
    mime_type: str = ""
    content_id: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class MsgMessage:
    """The content of a ``.msg`` file; ``attachments`` may hold embedded messages."""

    subject: str = ""
    body: str | None = None
    html_body: bytes | None = None
    rtf_body: bytes | None = None
    """Uncompressed RTF: stored compressed, as Outlook does."""
    internet_codepage: int | None = None
    sender_name: str = ""
    sender_address: str = ""
    recipients: Sequence[tuple[str, str, int]] = ()
    """(display name, SMTP address, TO/CC/BCC)."""
    sent_time: datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    transport_headers: str = ""
    message_class: str = "IPM.Note"
    attachments: Sequence[MsgAttachment | MsgMessage] = field(default_factory=tuple)


def msg_bytes(message: MsgMessage) -> bytes:
    """The ``.msg`` file of ``message``."""
    writer = OleWriter()
    for name in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        writer.addEntry(["__nameid_version1.0", name], b"")
    _write_message(writer, [], message, header_size=32)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tnef_bytes(
    *,
    files: Sequence[tuple[str, bytes]] = (),
    body: str = "",
    subject: str = "",
    damaged_checksum: bool = False,
) -> bytes:
    """A TNEF stream (``winmail.dat``) carrying ``files`` (name, bytes), a plain ``body`` and a
    ``subject``; with ``damaged_checksum``, every attribute's checksum is wrong."""
    out = bytearray(struct.pack("<IH", 0x223E9F78, 0x0001))
    out += _tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000), damaged_checksum)
    out += _tnef_attribute(1, 0x00069007, struct.pack("<II", 1252, 0), damaged_checksum)
    if subject:
        out += _tnef_attribute(1, 0x00018004, subject.encode("cp1252") + b"\0", damaged_checksum)
    if body:
        out += _tnef_attribute(1, 0x0002800C, body.encode("cp1252"), damaged_checksum)
    for name, data in files:
        out += _tnef_attribute(2, 0x00069002, b"\x01\x00" + bytes(12), damaged_checksum)
        out += _tnef_attribute(2, 0x00018010, name.encode("cp1252") + b"\0", damaged_checksum)
        out += _tnef_attribute(2, 0x0006800F, data, damaged_checksum)
    return bytes(out)


def _tnef_attribute(level: int, attribute: int, data: bytes, damaged_checksum: bool) -> bytes:
    checksum = (sum(data) + (1 if damaged_checksum else 0)) & 0xFFFF
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", checksum)


def _write_message(
    writer: OleWriter, prefix: list[str], message: MsgMessage, *, header_size: int
) -> None:
    strings = {
        "001A": message.message_class,
        "0037": message.subject,
        "0C1A": message.sender_name,
        "5D01": message.sender_address,
        "1035": message.message_id,
        "1042": message.in_reply_to,
        "007D": message.transport_headers,
    }
    if message.body is not None:
        strings["1000"] = message.body
    for property_id, text in strings.items():
        if text:
            _string(writer, prefix, property_id, text)
    if message.html_body is not None:
        writer.addEntry([*prefix, "__substg1.0_10130102"], message.html_body)
    if message.rtf_body is not None:
        writer.addEntry([*prefix, "__substg1.0_10090102"], compress(message.rtf_body))
    fixed = [(0x0E070003, struct.pack("<I", 0))]
    if message.sent_time is not None:
        fixed.append((0x00390040, struct.pack("<Q", _filetime(message.sent_time))))
    if message.internet_codepage is not None:
        fixed.append((0x3FDE0003, struct.pack("<I", message.internet_codepage)))
    for number, (name, address, kind) in enumerate(message.recipients):
        storage = [*prefix, f"__recip_version1.0_#{number:08X}"]
        _string(writer, storage, "3001", name)
        _string(writer, storage, "3003", address)
        _string(writer, storage, "39FE", address)
        _properties(writer, storage, bytes(8), [(0x0C150003, struct.pack("<I", kind))])
    for number, attachment in enumerate(message.attachments):
        _write_attachment(writer, [*prefix, f"__attach_version1.0_#{number:08X}"], attachment)
    counts = (len(message.recipients), len(message.attachments))
    header = bytes(8) + struct.pack("<IIII", *counts, *counts) + bytes(header_size - 24)
    _properties(writer, prefix, header, fixed)


def _write_attachment(
    writer: OleWriter, storage: list[str], attachment: MsgAttachment | MsgMessage
) -> None:
    if isinstance(attachment, MsgMessage):
        _string(writer, storage, "3001", attachment.subject)
        _write_message(writer, [*storage, "__substg1.0_3701000D"], attachment, header_size=24)
        method = _ATTACH_EMBEDDED_MESSAGE
        hidden = False
    else:
        writer.addEntry([*storage, "__substg1.0_37010102"], attachment.data)
        _string(writer, storage, "3707", attachment.file_name)
        if attachment.mime_type:
            _string(writer, storage, "370E", attachment.mime_type)
        if attachment.content_id:
            _string(writer, storage, "3712", attachment.content_id)
        method = _ATTACH_BY_VALUE
        hidden = attachment.hidden
    _properties(
        writer,
        storage,
        bytes(8),
        [(0x37050003, struct.pack("<I", method)), (0x7FFE000B, struct.pack("<I", int(hidden)))],
    )


def _string(writer: OleWriter, storage: list[str], property_id: str, text: str) -> None:
    writer.addEntry([*storage, f"__substg1.0_{property_id}001F"], text.encode("utf-16-le"))


def _properties(
    writer: OleWriter, storage: list[str], header: bytes, fixed: list[tuple[int, bytes]]
) -> None:
    entries = b"".join(
        struct.pack("<II", tag, 0x2 | 0x4) + value.ljust(8, b"\0") for tag, value in fixed
    )
    writer.addEntry([*storage, "__properties_version1.0"], header + entries)


def _filetime(moment: datetime) -> int:
    return int((moment - _FILETIME_EPOCH).total_seconds() * 10_000_000)
