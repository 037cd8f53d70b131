"""A real ingest store in a directory, wired as the service wires it: ``IngestComponent`` built
from ``CONFLUX_DATA_DIR`` and the default settings, its database migrated.

The corpus sweep and the ingestion benchmark go through the component's own ``FrontDoor``
(normalisation, then blobs fsynced and the SQLite commit, in its worker pool) without a gRPC
server in between; they read what was stored back through an ``ItemRepository`` and a
``BlobStore`` over the same database and blob directory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from chassis.config import Environment, load_common
from ingest_svc.blob_store import BlobStore
from ingest_svc.config import load_settings
from ingest_svc.front_door import FrontDoor
from ingest_svc.repository import ItemRepository
from ingest_svc.service import DEFINITION, IngestComponent


@dataclass(frozen=True)
class IngestStore:
    """The front door of a running ingest component, and readers of what it stored."""

    front_door: FrontDoor
    repository: ItemRepository
    blobs: BlobStore
    directory: Path


@asynccontextmanager
async def ingest_store(directory: Path) -> AsyncIterator[IngestStore]:
    """An ingest component storing under ``directory`` with the service's default settings;
    stopped (pool and database closed) on exit."""
    environment = Environment({"CONFLUX_DATA_DIR": str(directory)})
    settings = load_settings(environment, load_common(environment))
    environment.check()
    DEFINITION.migrate(settings)
    component = IngestComponent(settings)
    try:
        blobs = BlobStore(settings.blob_dir)
        yield IngestStore(
            component.front_door, ItemRepository(component.database, blobs), blobs, directory
        )
    finally:
        await component.stop()
