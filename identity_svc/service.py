"""The identity service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.search.tantivy_index import TantivyIndex
from chassis.server import Runtime, ServiceDefinition
from conflux.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from identity_svc.config import IdentitySettings, load_settings
from identity_svc.enrichment_store import EnrichmentStore
from identity_svc.index_feeder import IndexFeeder
from identity_svc.party_index import SCHEMA
from identity_svc.party_store import PartyStore
from identity_svc.resolution_store import ResolutionStore
from identity_svc.resolver import Resolver
from identity_svc.servicer import IdentityServicer
from identity_svc.tables import IdentityBase

SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


class IdentityComponent(DatabaseComponent):
    """Serves ``conflux.identity.v1.IdentityService``; ready when its database answers."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: IdentitySettings) -> None:
        super().__init__("identity", settings.database_url)
        self._index = TantivyIndex(SCHEMA, settings.index_dir)
        parties = PartyStore(self.database)
        enrichments = EnrichmentStore(self.database, parties, settings.enrichment)
        resolver = Resolver(
            parties,
            ResolutionStore(self.database),
            enrichments,
            self._index,
            rules=settings.rules,
            thresholds=settings.thresholds,
        )
        self._feeder = IndexFeeder(parties, self._index)
        self._servicer = IdentityServicer(
            resolver, parties, enrichments, self._feeder, rules=settings.rules, pool=self.pool
        )

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        identity_service_pb2_grpc.add_IdentityServiceServicer_to_server(self._servicer, server)

    async def start(self) -> None:
        """Rebuilds the party index if it is missing or its schema changed, then takes in what
        the outbox holds (changes committed before a crash)."""
        await self.pool.run(self._feeder.rebuild_if_needed)
        await self.pool.run(self._feeder.drain)

    async def stop(self) -> None:
        """Closes the index, the pool and the database."""
        await self.pool.run(self._index.close)
        await super().stop()


def build(settings: IdentitySettings, runtime: Runtime) -> IdentityComponent:
    """The identity component."""
    return IdentityComponent(settings)


DEFINITION = ServiceDefinition(
    "identity", load_settings, build, IdentityBase.metadata, Path(__file__).parent / "migrations"
)
