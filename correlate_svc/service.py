"""The correlate service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.search import SearchIndex
from chassis.search.opensearch_index import OpenSearchIndex, connect
from chassis.search.tantivy_index import TantivyIndex
from chassis.server import Runtime, ServiceDefinition
from conflux.correlate.v1 import correlate_service_pb2, correlate_service_pb2_grpc
from correlate_svc.cases import Cases
from correlate_svc.config import CorrelateSettings, load_settings
from correlate_svc.index_feeder import IndexFeeder
from correlate_svc.ledger import Ledger
from correlate_svc.request_index import SCHEMA
from correlate_svc.servicer import CorrelateServicer
from correlate_svc.tables import CorrelateBase

SERVICE_NAME = correlate_service_pb2.DESCRIPTOR.services_by_name["CorrelateService"].full_name


class CorrelateComponent(DatabaseComponent):
    """Serves ``conflux.correlate.v1.CorrelateService`` and feeds its index in the background."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: CorrelateSettings) -> None:
        super().__init__("correlate", settings.database_url)
        self._index = request_index(settings)
        ledger = Ledger(
            self.database,
            self._index,
            settings.weights,
            settings.thresholds,
            settings.reopen_window,
        )
        self._feeder = IndexFeeder(ledger, self._index, self.pool)
        self._servicer = CorrelateServicer(ledger, Cases(self.database), self._feeder, self.pool)
        self._feeding: asyncio.Task[None] | None = None

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        correlate_service_pb2_grpc.add_CorrelateServiceServicer_to_server(self._servicer, server)

    async def start(self) -> None:
        """Rebuilds the index if its schema changed, then feeds it."""
        await self.pool.run(self._feeder.rebuild_if_needed)
        self._feeding = asyncio.create_task(self._feeder.run(), name="correlate-index-feeder")

    async def stop(self) -> None:
        """Stops feeding (the outbox keeps what is left) and closes the index."""
        if self._feeding is not None:
            self._feeding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feeding
        await self.pool.run(self._index.close)
        await super().stop()


def request_index(settings: CorrelateSettings) -> SearchIndex:
    """OpenSearch when ``CONFLUX_OPENSEARCH_URL`` is set, else the embedded tantivy index."""
    if settings.opensearch_url:
        return OpenSearchIndex(SCHEMA, connect(settings.opensearch_url))
    return TantivyIndex(SCHEMA, settings.index_dir)


def build(settings: CorrelateSettings, runtime: Runtime) -> CorrelateComponent:
    """The correlate component."""
    return CorrelateComponent(settings)


DEFINITION = ServiceDefinition(
    "correlate", load_settings, build, CorrelateBase.metadata, Path(__file__).parent / "migrations"
)
