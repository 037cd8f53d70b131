"""Files on disk as items: which files are items, of which channel, with which batch metadata.

Shared by the drop folders of the ingest service and by ``conflux submit``, so that a file means
the same thing however it arrives.

- ``.eml`` (RFC 822) and ``.msg`` (Outlook): one email;
- ``.mbox``: one email per message; a Maildir folder (with ``cur/``, ``new/`` and ``tmp/``): one
  email per message of ``cur/`` and ``new/``;
- ``.pdf``, ``.tif``/``.tiff``, ``.png``, ``.jpg``/``.jpeg``: a scanned letter or a fax (the
  caller's default channel, ``mail`` for ``conflux submit``), with its batch metadata;
- ``.json``: a short message (SMS, chat, social, phone-call note, web form) whose ``channel``
  field names its channel; the service validates the rest.

Batch metadata of a document comes from two places, the sidecar winning over the file name:

- a sidecar file ``<file>.meta.json`` next to it, written by the scanner or the mail room:
  ``{"channel": "fax", "sent_time": "2026-11-03T09:00:00Z", "metadata": {"batch": "B12"}}``
  (every field optional; ``metadata`` values are kept as strings);
- the file name convention ``<batch>__<yyyymmddThhmmss>[Z|±hhmm]__<anything>.<ext>``, e.g.
  ``B12__20261103T090000__page-001.pdf``: metadata ``batch`` = ``B12`` and ``sent_time`` =
  2026-11-03 09:00:00, in UTC unless the time carries its offset (``…T090000+0100``).
"""

from __future__ import annotations

import json
import mailbox
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from chassis.vocabulary import Channel
from ingest_svc.media_types import JPEG, OUTLOOK_MESSAGE, PDF, PNG, RFC822, TIFF

SIDECAR_SUFFIX = ".meta.json"
DOCUMENT_TYPES = {
    ".pdf": PDF,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
"""Media type of each document extension."""
EMAIL_TYPES = {".eml": RFC822, ".msg": OUTLOOK_MESSAGE}
"""Media type of each extension of a file holding one email."""
SHORT_MESSAGE_TYPE = "application/json"

_FILE_NAME_CONVENTION = re.compile(
    r"(?P<batch>.+?)__(?P<time>\d{8}T\d{6})(?P<zone>Z|[+-]\d{4})?__.+", re.IGNORECASE
)
_MAILDIR_FOLDERS = ("cur", "new", "tmp")


@dataclass(frozen=True)
class FileItem:
    """One item read from disk: where it came from, its channel and its bytes."""

    origin: str
    """The file's path; ``<path>#<n>`` for the n-th message of a mailbox."""
    channel: Channel | None
    """None when a short message names no valid channel: the service says what is wrong."""
    file_name: str
    media_type: str
    raw: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkippedFile:
    """A file that is not an item, and why."""

    origin: str
    reason: str


class InvalidSidecarError(ValueError):
    """Raised when a sidecar file cannot be read as batch metadata; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def discover(paths: list[Path]) -> Iterator[FileItem | SkippedFile]:
    """The items of ``paths`` (files and folders, folders walked in name order), in order.

    Sidecars, hidden files and ``.md`` notes are passed over silently; other files that are no
    item, and documents whose sidecar is invalid, are reported as skipped.
    """
    for path in paths:
        if path.is_dir():
            yield from _folder(path)
        elif path.is_file():
            yield from _file(path)
        else:
            yield SkippedFile(str(path), "no such file or folder")


def is_maildir(path: Path) -> bool:
    """Tell whether the folder ``path`` is a Maildir (it has ``cur/``, ``new/`` and ``tmp/``)."""
    return all((path / name).is_dir() for name in _MAILDIR_FOLDERS)


def read_file_item(path: Path, *, default_channel: Channel, with_sidecar: bool = True) -> FileItem:
    """The item of the file ``path``: an email for ``.eml`` and ``.msg``, otherwise a document
    of its sidecar's channel (else ``default_channel``) with its batch metadata (without
    ``with_sidecar``, from its name only).

    Any other extension is read as a document too, and declared ``application/octet-stream``:
    the service decides whether it is one. Raises ``InvalidSidecarError`` when the document's
    sidecar is invalid, ``OSError`` when a file cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix in EMAIL_TYPES:
        return FileItem(str(path), Channel.EMAIL, path.name, EMAIL_TYPES[suffix], path.read_bytes())
    metadata = file_name_metadata(path.name)
    channel = default_channel
    sidecar = sidecar_path(path)
    if with_sidecar and sidecar.exists():
        declared_channel, sidecar_metadata = read_sidecar(sidecar)
        channel = declared_channel or channel
        metadata.update(sidecar_metadata)
    return FileItem(
        str(path),
        channel,
        path.name,
        DOCUMENT_TYPES.get(suffix, "application/octet-stream"),
        path.read_bytes(),
        metadata,
    )


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of the document ``path`` is."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """Tell whether ``path`` is a sidecar file (by its name)."""
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> tuple[Channel | None, dict[str, str]]:
    """The channel (None if not given) and metadata of the sidecar file ``path``; its
    ``sent_time`` is returned in the metadata. Raises ``InvalidSidecarError`` naming the problem,
    ``OSError`` when it cannot be read."""
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidSidecarError(f"{path.name} is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise InvalidSidecarError(f"{path.name} must hold a JSON object")
    channel: Channel | None = None
    if "channel" in document:
        try:
            channel = Channel(document["channel"])
        except ValueError:
            raise InvalidSidecarError(
                f"{path.name}: unknown channel {document['channel']!r}"
            ) from None
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise InvalidSidecarError(f"{path.name}: metadata must be a JSON object")
    values = {str(name): str(value) for name, value in metadata.items()}
    if document.get("sent_time"):
        values["sent_time"] = str(document["sent_time"])
    return channel, values


def file_name_metadata(file_name: str) -> dict[str, str]:
    """``batch`` and ``sent_time`` (ISO 8601 with its offset) of a file named by the convention
    ``<batch>__<yyyymmddThhmmss>[Z|±hhmm]__<anything>``; {} for any other name (an impossible
    date included)."""
    match = _FILE_NAME_CONVENTION.fullmatch(file_name)
    if match is None:
        return {}
    zone = match["zone"] or "Z"
    try:
        moment = datetime.strptime(f"{match['time']}{zone.upper()}", "%Y%m%dT%H%M%S%z")
    except ValueError:
        return {}
    return {"batch": match["batch"], "sent_time": moment.isoformat()}


def _folder(folder: Path) -> Iterator[FileItem | SkippedFile]:
    if is_maildir(folder):
        yield from _maildir(folder)
        return
    for child in sorted(folder.iterdir()):
        if child.is_dir():
            yield from _folder(child)
        elif child.is_file():
            yield from _file(child)


def _file(path: Path) -> Iterator[FileItem | SkippedFile]:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if is_sidecar(path) or name.startswith(".") or name.endswith(".md"):
        return
    if suffix in EMAIL_TYPES or suffix in DOCUMENT_TYPES:
        try:
            yield read_file_item(path, default_channel=Channel.MAIL)
        except InvalidSidecarError as error:
            yield SkippedFile(str(path), f"its sidecar is not valid: {error.reason}")
    elif suffix == ".mbox":
        box = mailbox.mbox(path, create=False)
        try:
            for number, key in enumerate(box.keys(), start=1):
                yield _email(f"{path}#{number}", f"{path.name}#{number}", box.get_bytes(key))
        finally:
            box.close()
    elif suffix == ".json":
        raw = path.read_bytes()
        yield FileItem(str(path), _declared_channel(raw), path.name, SHORT_MESSAGE_TYPE, raw)
    else:
        yield SkippedFile(str(path), f"not an item file ({suffix or 'no extension'})")


def _maildir(folder: Path) -> Iterator[FileItem]:
    box = mailbox.Maildir(folder, factory=None, create=False)
    # Maildir names start with the delivery time: name order is arrival order.
    for key in sorted(box.keys()):
        yield _email(f"{folder}#{key}", key, box.get_bytes(key))
    for subfolder in sorted(box.list_folders()):
        yield from _maildir(folder / f".{subfolder}")


def _email(origin: str, file_name: str, raw: bytes) -> FileItem:
    return FileItem(origin, Channel.EMAIL, file_name, RFC822, raw)


def _declared_channel(raw: bytes) -> Channel | None:
    """The channel a short-message file declares; None lets the service name the problem."""
    try:
        return Channel(json.loads(raw)["channel"])
    except (ValueError, KeyError, TypeError):
        return None
