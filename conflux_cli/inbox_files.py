"""Files on disk as submissions: which files are items, and how each is sent.

- ``.eml``: one email; ``.mbox``: one email per message in it;
- ``.pdf``, ``.tif``/``.tiff``, ``.png``, ``.jpg``/``.jpeg``: a scanned letter (channel ``mail``),
  or a fax, per its optional sidecar ``<file>.meta.json``: ``{"channel": "fax",
  "sent_time": "2026-11-03T09:00:00Z", "metadata": {"batch": "B12"}}``;
- ``.json``: a short message (SMS, chat, social, phone-call note, web form) with the fields
  ``channel``, ``sender``, ``sender_name``, ``subject``, ``body``, ``sent_time`` (ISO 8601 with a
  zone), ``fields`` (web forms), ``conversation_id``. The server validates it.
Folders are walked in name order; other files are reported as skipped.
"""

from __future__ import annotations

import json
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chassis.vocabulary import Channel, channel_proto
from conflux.ingest.v1 import ingest_service_pb2 as pb

SIDECAR_SUFFIX = ".meta.json"
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@dataclass(frozen=True)
class FileItem:
    """One item read from disk: where from, its header and its bytes."""

    origin: str
    header: pb.ItemHeader
    raw: bytes


@dataclass(frozen=True)
class SkippedFile:
    """A file that is not an item, and why."""

    origin: str
    reason: str


@dataclass
class _Sidecar:
    channel: Channel = Channel.MAIL
    metadata: dict[str, str] = field(default_factory=dict)


def discover(paths: list[Path]) -> Iterator[FileItem | SkippedFile]:
    """The items of ``paths`` (files and folders), in order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _file(child)
        elif path.is_file():
            yield from _file(path)
        else:
            yield SkippedFile(str(path), "no such file or folder")


def _file(path: Path) -> Iterator[FileItem | SkippedFile]:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name.endswith(SIDECAR_SUFFIX) or name.startswith(".") or name.endswith(".md"):
        return
    if suffix == ".eml":
        yield _item(str(path), Channel.EMAIL, path.name, "message/rfc822", path.read_bytes())
    elif suffix == ".mbox":
        for number, message in enumerate(mailbox.mbox(path, create=False), start=1):
            yield _item(
                f"{path}#{number}",
                Channel.EMAIL,
                f"{path.name}#{number}",
                "message/rfc822",
                message.as_bytes(),
            )
    elif suffix in DOCUMENT_TYPES:
        sidecar = _sidecar(path)
        if isinstance(sidecar, SkippedFile):
            yield sidecar
            return
        item = _item(
            str(path), sidecar.channel, path.name, DOCUMENT_TYPES[suffix], path.read_bytes()
        )
        item.header.metadata.update(sidecar.metadata)
        yield item
    elif suffix == ".json":
        raw = path.read_bytes()
        yield _item(str(path), _declared_channel(raw), path.name, "application/json", raw)
    else:
        yield SkippedFile(str(path), f"not an item file ({suffix or 'no extension'})")


def _item(origin: str, channel: Channel | None, name: str, media_type: str, raw: bytes) -> FileItem:
    header = pb.ItemHeader(channel=channel_proto(channel), file_name=name, media_type=media_type)
    return FileItem(origin, header, raw)


def _declared_channel(raw: bytes) -> Channel | None:
    """The channel a short-message file declares; None lets the server name the problem."""
    try:
        document = json.loads(raw)
        return Channel(document["channel"])
    except (ValueError, KeyError, TypeError):
        return None


def _sidecar(path: Path) -> _Sidecar | SkippedFile:
    sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar_path.exists():
        return _Sidecar()
    try:
        document = json.loads(sidecar_path.read_text(encoding="utf-8"))
        channel = Channel(document.get("channel", "mail"))
        metadata = {str(k): str(v) for k, v in document.get("metadata", {}).items()}
        if document.get("sent_time"):
            metadata["sent_time"] = str(document["sent_time"])
    except (ValueError, AttributeError) as error:
        return SkippedFile(str(path), f"its sidecar {sidecar_path.name} is not valid: {error}")
    return _Sidecar(channel, metadata)
