"""Files on disk as submissions to the ingest API.

Which files are items, and their channel and batch metadata, is decided by
``ingest_svc.file_items`` (shared with the service's drop folders; its docstring lists the
formats: ``.eml``, ``.msg``, ``.mbox``, Maildir folders, scanned documents with their sidecar
``<file>.meta.json`` or file name convention, short-message ``.json``). This module turns each
item into the header and bytes of a ``SubmitItem`` call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chassis.vocabulary import channel_proto
from conflux.ingest.v1 import ingest_service_pb2 as pb
from ingest_svc import file_items
from ingest_svc.file_items import SkippedFile

__all__ = ["FileItem", "SkippedFile", "discover"]


@dataclass(frozen=True)
class FileItem:
    """One item read from disk: where from, its header and its bytes."""

    origin: str
    header: pb.ItemHeader
    raw: bytes


def discover(paths: list[Path]) -> Iterator[FileItem | SkippedFile]:
    """The items of ``paths`` (files and folders), in order, as submissions."""
    for found in file_items.discover(paths):
        if isinstance(found, SkippedFile):
            yield found
            continue
        header = pb.ItemHeader(
            channel=channel_proto(found.channel),
            file_name=found.file_name,
            media_type=found.media_type,
        )
        header.metadata.update(found.metadata)
        yield FileItem(found.origin, header, found.raw)
