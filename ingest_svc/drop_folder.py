"""Scanner and fax drop folders: files written into a folder become items.

A scanner, a fax gateway or a mail room drops PDF, (multi-page) TIFF, PNG or JPEG files into a
folder configured by ``CONFLUX_INGEST_DROP_FOLDERS`` (``/srv/scans=mail,/srv/fax=fax``); an
``.eml`` or Outlook ``.msg`` file dropped there is taken as an email. Every
``CONFLUX_INGEST_DROP_POLL_SECONDS`` (2 by default) the folder is listed, and each file is:

1. taken only when it is complete: its size and modification time (and its sidecar's) did not
   change between two listings one poll interval apart, it is not empty, and its name does not
   say it is still being written (names starting with ``.`` or ending with ``.part`` or
   ``.tmp``, as scanners and ``rsync`` write them before renaming);
2. read with its batch metadata: a sidecar ``<file>.meta.json``
   (``{"channel": "fax", "sent_time": "2026-11-03T09:00:00Z", "metadata": {"batch": "B12"}}``)
   or the file name convention ``<batch>__<yyyymmddThhmmss>[Z|±hhmm]__<anything>.<ext>``
   (see ``file_items``); a sidecar that cannot be read is reported in the item's metadata
   (``sidecar_problem``) rather than holding the document back;
3. handed to ``FrontDoor.receive``, which stores it, or stores it in triage with the reason when
   it is no document (nothing dropped is lost);
4. only then moved to the folder's ``done/`` subfolder with its sidecar (renamed with the item
   id when ``done/`` already has a file of that name), or deleted when
   ``CONFLUX_INGEST_DROP_AFTER=delete``.

A file whose storage fails stays where it is and is tried again, with a delay that doubles up to
a minute. If moving it fails after it was stored, the next attempt finds the same item (same
bytes, same dedup key) and moves it then: nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from chassis.workers import BlockingPool
from ingest_svc.drop_folder_settings import AfterStorage, DropFolder, DropFolderSettings
from ingest_svc.file_items import (
    FileItem,
    InvalidSidecarError,
    is_sidecar,
    read_file_item,
    sidecar_path,
)
from ingest_svc.front_door import FrontDoor
from ingest_svc.intake import Submission

_log = logging.getLogger(__name__)

DONE_FOLDER = "done"
_BEING_WRITTEN_SUFFIXES = (".part", ".tmp")
_LONGEST_RETRY_SECONDS = 60.0


def drop_folder_watchers(
    settings: DropFolderSettings, front_door: FrontDoor, pool: BlockingPool
) -> list[DropFolderWatcher]:
    """One watcher per configured folder."""
    return [DropFolderWatcher(folder, settings, front_door, pool) for folder in settings.folders]


@dataclass(frozen=True)
class _Signature:
    """What tells that a file is still changing: its size and time, and its sidecar's."""

    size: int
    modified_ns: int
    sidecar: tuple[int, int] | None


@dataclass
class _Retry:
    failures: int
    not_before: float


class DropFolderWatcher:
    """Brings the complete files of one drop folder in, every ``poll_seconds``."""

    def __init__(
        self,
        folder: DropFolder,
        settings: DropFolderSettings,
        front_door: FrontDoor,
        pool: BlockingPool,
    ) -> None:
        self._folder = folder
        self._poll_seconds = settings.poll_seconds
        self._after_storage = settings.after_storage
        self._front_door = front_door
        self._pool = pool
        self._last_seen: dict[Path, _Signature] = {}
        self._retries: dict[Path, _Retry] = {}

    @property
    def name(self) -> str:
        """``drop:`` and the folder's path."""
        return f"drop:{self._folder.path}"

    async def run(self) -> None:
        """Polls the folder until cancelled."""
        while True:
            await self.poll()
            await asyncio.sleep(self._poll_seconds)

    async def poll(self) -> None:
        """Takes in every file of the folder that has been complete since the last poll."""
        try:
            complete = await self._pool.run(self._complete_files)
        except OSError as error:
            _log.warning("drop folder %s cannot be listed: %s", self._folder.path, error)
            return
        for path in complete:
            await self._take(path)

    def _complete_files(self) -> list[Path]:
        """The files unchanged since the previous listing, in name order (not those waiting
        for a retry)."""
        listed: dict[Path, _Signature] = {}
        with os.scandir(self._folder.path) as entries:
            for entry in entries:
                if _is_candidate(entry):
                    signature = _signature(Path(entry.path))
                    if signature is not None:
                        listed[Path(entry.path)] = signature
        previous, self._last_seen = self._last_seen, listed
        for gone in self._retries.keys() - listed.keys():
            del self._retries[gone]
        now = time.monotonic()
        return sorted(
            path
            for path, signature in listed.items()
            if previous.get(path) == signature
            and (path not in self._retries or self._retries[path].not_before <= now)
        )

    async def _take(self, path: Path) -> None:
        try:
            item = await self._pool.run(self._read, path)
        except FileNotFoundError:
            return
        except OSError as error:
            self._failed(path, "cannot be read", error)
            return
        submission = Submission(
            channel=item.channel,
            file_name=item.file_name,
            media_type=item.media_type,
            metadata={**item.metadata, "drop_folder": str(self._folder.path)},
            raw=item.raw,
        )
        try:
            stored = await self._front_door.receive(submission)
        # Whatever storage raised (a full or read-only disk, a database that is down), the file
        # stays where it is and is tried again: that is the whole point of not moving it first.
        except Exception as error:
            self._failed(path, "could not be stored", error)
            return
        try:
            await self._pool.run(self._dispose, path, stored.item.item_id)
        except OSError as error:
            self._failed(path, f"was stored as {stored.item.item_id} but not removed", error)
            return
        self._retries.pop(path, None)

    def _read(self, path: Path) -> FileItem:
        try:
            return read_file_item(path, default_channel=self._folder.channel)
        except InvalidSidecarError as error:
            _log.warning("drop folder file %s: %s; taken without it", path, error.reason)
            item = read_file_item(path, default_channel=self._folder.channel, with_sidecar=False)
            return FileItem(
                item.origin,
                item.channel,
                item.file_name,
                item.media_type,
                item.raw,
                {**item.metadata, "sidecar_problem": error.reason},
            )

    def _dispose(self, path: Path, item_id: str) -> None:
        sidecar = sidecar_path(path)
        if self._after_storage is AfterStorage.DELETE:
            path.unlink()
            sidecar.unlink(missing_ok=True)
            return
        done = self._folder.path / DONE_FOLDER
        done.mkdir(exist_ok=True)
        target = done / path.name
        if target.exists():
            target = done / f"{path.stem}.{item_id}{path.suffix}"
        # The document first: a sidecar left behind is never taken, a document left without its
        # sidecar would be taken again without its batch metadata.
        path.replace(target)
        if sidecar.exists():
            sidecar.replace(sidecar_path(target))

    def _failed(self, path: Path, what: str, error: Exception) -> None:
        retry = self._retries.get(path, _Retry(failures=0, not_before=0.0))
        retry.failures += 1
        delay = min(self._poll_seconds * 2**retry.failures, _LONGEST_RETRY_SECONDS)
        retry.not_before = time.monotonic() + delay
        self._retries[path] = retry
        _log.warning(
            "drop folder file %s %s (attempt %d, next in %.1f s): %s",
            path,
            what,
            retry.failures,
            delay,
            error,
        )


def _is_candidate(entry: os.DirEntry[str]) -> bool:
    name = entry.name.lower()
    return (
        entry.is_file(follow_symlinks=False)
        and not name.startswith(".")
        and not name.endswith(_BEING_WRITTEN_SUFFIXES)
        and not is_sidecar(Path(entry.path))
    )


def _signature(path: Path) -> _Signature | None:
    """The file's signature; None for an empty file (a scanner creates it, then writes)."""
    try:
        status = path.stat()
        sidecar = sidecar_path(path)
        sidecar_status = sidecar.stat() if sidecar.exists() else None
    except FileNotFoundError:
        return None
    if status.st_size == 0:
        return None
    return _Signature(
        status.st_size,
        status.st_mtime_ns,
        (sidecar_status.st_size, sidecar_status.st_mtime_ns) if sidecar_status else None,
    )
