"""Content-addressed storage of bytes on disk.

A blob's name is the SHA-256 of its bytes, so the same attachment sent five times is stored
once. A blob is written to a temporary file in the same directory, flushed and fsynced, then
renamed into place and its directory fsynced: once ``put`` returns, the bytes survive a crash or
``kill -9``, and a reader never sees a partial blob.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class StoredBlob:
    """A blob's identity and size."""

    sha256: str
    size_bytes: int


class BlobNotFoundError(LookupError):
    """No blob has that hash."""


class BlobStore:
    """Blobs under ``root/ab/cd/<sha256>``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._incoming = root / "incoming"
        self._incoming.mkdir(exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives (whether or not it exists)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BlobNotFoundError(f"{sha256!r} is not a SHA-256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> StoredBlob:
        """Stores ``data`` durably (idempotent) and returns its identity."""
        return self.put_chunks((data,))

    def put_chunks(self, chunks: Iterable[bytes]) -> StoredBlob:
        """Stores the concatenation of ``chunks`` durably, hashing while writing."""
        digest = hashlib.sha256()
        size = 0
        handle, temp_name = tempfile.mkstemp(dir=self._incoming)
        try:
            with os.fdopen(handle, "wb") as temp:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    temp.write(chunk)
                temp.flush()
                os.fsync(temp.fileno())
            sha256 = digest.hexdigest()
            target = self.path_of(sha256)
            if target.exists():
                os.unlink(temp_name)
            else:
                self._make_directories(target.parent)
                os.replace(temp_name, target)
                _fsync_directory(target.parent)
        except BaseException:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
            raise
        return StoredBlob(sha256, size)

    def _make_directories(self, directory: Path) -> None:
        """Creates ``directory`` (``ab/cd``) and makes each new entry durable in its parent."""
        for level in (directory.parent, directory):
            if not level.exists():
                level.mkdir(exist_ok=True)
                _fsync_directory(level.parent)

    def size_of(self, sha256: str) -> int:
        """Size of the blob in bytes."""
        try:
            return self.path_of(sha256).stat().st_size
        except FileNotFoundError as missing:
            raise BlobNotFoundError(sha256) from missing

    def read(self, sha256: str, offset: int = 0, limit: int = 0) -> Iterator[bytes]:
        """The blob's bytes from ``offset``, at most ``limit`` (0: all), in chunks."""
        try:
            handle = self.path_of(sha256).open("rb")
        except FileNotFoundError as missing:
            raise BlobNotFoundError(sha256) from missing
        with handle:
            handle.seek(offset)
            remaining = limit if limit > 0 else -1
            while remaining != 0:
                size = CHUNK_BYTES if remaining < 0 else min(CHUNK_BYTES, remaining)
                chunk = handle.read(size)
                if not chunk:
                    return
                if remaining > 0:
                    remaining -= len(chunk)
                yield chunk

    def read_all(self, sha256: str) -> bytes:
        """The whole blob."""
        return b"".join(self.read(sha256))


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
