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
from ingest_svc.drop_folder import drop_folder_watchers
from ingest_svc.flood_guard import FloodGuard
from ingest_svc.front_door import FrontDoor
from ingest_svc.imap_cursors import ImapCursorStore
from ingest_svc.imap_polling import imap_pollers
from ingest_svc.intake import Limits
from ingest_svc.repository import ItemRepository
from ingest_svc.servicer import IngestServicer
from ingest_svc.smtp_reception import SmtpReception
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
        flood_guard = FloodGuard(self.database, settings.flood)
        self.front_door = FrontDoor(repository, limits, self.pool, flood_guard)
        self._servicer = IngestServicer(self.front_door, repository, blobs, self.pool)
        self.adapters: list[ChannelAdapter] = []
        if settings.smtp:
            self.adapters.append(SmtpReception(settings.smtp, self.front_door))
        if settings.imap:
            cursors = ImapCursorStore(self.database)
            self.adapters.extend(imap_pollers(settings.imap, self.front_door, cursors, self.pool))
        if settings.drop_folders:
            self.adapters.extend(
                drop_folder_watchers(settings.drop_folders, self.front_door, self.pool)
            )
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
