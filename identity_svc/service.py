"""The identity service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.server import Runtime, ServiceDefinition
from conflux.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from identity_svc.config import IdentitySettings, load_settings
from identity_svc.repository import ReferentialRepository
from identity_svc.servicer import IdentityServicer
from identity_svc.tables import IdentityBase

SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


class IdentityComponent(DatabaseComponent):
    """Serves ``conflux.identity.v1.IdentityService``; ready when its database answers."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: IdentitySettings) -> None:
        super().__init__("identity", settings.database_url)
        self._servicer = IdentityServicer(
            ReferentialRepository(self.database),
            settings.thresholds,
            settings.phone_region,
            self.pool,
        )

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        identity_service_pb2_grpc.add_IdentityServiceServicer_to_server(self._servicer, server)


def build(settings: IdentitySettings, runtime: Runtime) -> IdentityComponent:
    """The identity component."""
    return IdentityComponent(settings)


DEFINITION = ServiceDefinition(
    "identity", load_settings, build, IdentityBase.metadata, Path(__file__).parent / "migrations"
)
