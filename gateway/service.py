"""The gateway as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.health import Probe, service_probe
from chassis.server import Runtime, ServiceDefinition
from conflux.classify.v1 import classify_service_pb2, classify_service_pb2_grpc
from conflux.correlate.v1 import correlate_service_pb2, correlate_service_pb2_grpc
from conflux.gateway.v1 import gateway_service_pb2, gateway_service_pb2_grpc
from conflux.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from conflux.ingest.v1 import ingest_service_pb2, ingest_service_pb2_grpc
from conflux.ocr.v1 import ocr_service_pb2, ocr_service_pb2_grpc
from gateway.config import GatewaySettings, load_settings
from gateway.pipeline import Pipeline
from gateway.pipeline_store import PipelineStore
from gateway.servicer import GatewayServicer
from gateway.steps import ClassifyStep, Clients, CorrelateStep, ExtractTextStep, IdentifyStep
from gateway.tables import GatewayBase

SERVICE_NAME = gateway_service_pb2.DESCRIPTOR.services_by_name["GatewayService"].full_name
_DEPENDENCIES = {
    "ingest": ingest_service_pb2.DESCRIPTOR.services_by_name["IngestService"].full_name,
    "ocr": ocr_service_pb2.DESCRIPTOR.services_by_name["OcrService"].full_name,
    "identity": identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name,
    "classify": classify_service_pb2.DESCRIPTOR.services_by_name["ClassifyService"].full_name,
    "correlate": correlate_service_pb2.DESCRIPTOR.services_by_name["CorrelateService"].full_name,
}


class GatewayComponent(DatabaseComponent):
    """Serves ``conflux.gateway.v1.GatewayService`` and runs the pipeline."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: GatewaySettings, runtime: Runtime) -> None:
        super().__init__("gateway", settings.database_url)
        self._settings = settings
        self._drain_seconds = runtime.common.server.drain_seconds
        self._channels = {name: runtime.channels.channel(name) for name in _DEPENDENCIES}
        clients = Clients(
            ingest=ingest_service_pb2_grpc.IngestServiceStub(self._channels["ingest"]),
            ocr=ocr_service_pb2_grpc.OcrServiceStub(self._channels["ocr"]),
            identity=identity_service_pb2_grpc.IdentityServiceStub(self._channels["identity"]),
            classify=classify_service_pb2_grpc.ClassifyServiceStub(self._channels["classify"]),
            correlate=correlate_service_pb2_grpc.CorrelateServiceStub(self._channels["correlate"]),
        )
        store = PipelineStore(self.database)
        steps = (
            ExtractTextStep(clients),
            IdentifyStep(clients),
            ClassifyStep(clients),
            CorrelateStep(clients),
        )
        self._pipeline = Pipeline(
            settings, store, clients, {step.name: step for step in steps}, self.pool
        )
        self._servicer = GatewayServicer(store, self._pipeline, self.pool)

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        gateway_service_pb2_grpc.add_GatewayServiceServicer_to_server(self._servicer, server)

    def probes(self) -> Sequence[Probe]:
        """Its database and the five services of the pipeline."""
        return (
            *super().probes(),
            *(
                service_probe(name, self._channels[name], full_name)
                for name, full_name in _DEPENDENCIES.items()
            ),
        )

    async def start(self) -> None:
        """Starts following the feed and processing."""
        await self._pipeline.start()

    async def stop(self) -> None:
        """Lets running steps finish within the drain time, then closes."""
        await self._pipeline.stop(self._drain_seconds)
        await super().stop()


def build(settings: GatewaySettings, runtime: Runtime) -> GatewayComponent:
    """The gateway component."""
    return GatewayComponent(settings, runtime)


DEFINITION = ServiceDefinition(
    "gateway", load_settings, build, GatewayBase.metadata, Path(__file__).parent / "migrations"
)
