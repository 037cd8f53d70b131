"""The ingest service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.server import Runtime, ServiceDefinition
from conflux.ingest.v1 import ingest_service_pb2, ingest_service_pb2_grpc
from ingest_svc.blob_store import BlobStore
from ingest_svc.channel_adapter import ChannelAdapter
from ingest_svc.config import IngestSettings, load_settings
from ingest_svc.front_door import FrontDoor
from ingest_svc.intake import Limits
from ingest_svc.repository import ItemRepository
from ingest_svc.servicer import IngestServicer
from ingest_svc.tables import IngestBase

SERVICE_NAME = ingest_service_pb2.DESCRIPTOR.services_by_name["IngestService"].full_name


class IngestComponent(DatabaseComponent):
    """Serves ``conflux.ingest.v1.IngestService``; ready when its database answers."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: IngestSettings) -> None:
        super().__init__("ingest", settings.database_url)
        blobs = BlobStore(settings.blob_dir)
        limits = Limits(
            max_item_bytes=settings.max_item_bytes,
            max_attachments=settings.max_attachments,
            max_nesting_depth=settings.max_nesting_depth,
        )
        repository = ItemRepository(self.database, blobs)
        self.front_door = FrontDoor(repository, limits, self.pool)
        self._servicer = IngestServicer(self.front_door, repository, blobs, self.pool)
        self.adapters: list[ChannelAdapter] = []
        self._running: list[asyncio.Task[None]] = []

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        ingest_service_pb2_grpc.add_IngestServiceServicer_to_server(self._servicer, server)

    async def start(self) -> None:
        """Starts the configured channel adapters."""
        self._running = [
            asyncio.create_task(adapter.run(), name=f"ingest-{adapter.name}")
            for adapter in self.adapters
        ]

    async def stop(self) -> None:
        """Stops the adapters (an item being stored finishes first), then the rest."""
        for task in self._running:
            task.cancel()
        for task in self._running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().stop()


def build(settings: IngestSettings, runtime: Runtime) -> IngestComponent:
    """The ingest component."""
    return IngestComponent(settings)


DEFINITION = ServiceDefinition(
    "ingest", load_settings, build, IngestBase.metadata, Path(__file__).parent / "migrations"
)
