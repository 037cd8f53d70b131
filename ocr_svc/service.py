"""The OCR service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.health import Probe, service_probe
from chassis.server import Runtime, ServiceDefinition
from chassis.workers import BlockingPool
from conflux.ingest.v1 import ingest_service_pb2, ingest_service_pb2_grpc
from conflux.ocr.v1 import ocr_service_pb2, ocr_service_pb2_grpc
from ocr_svc.cache import ExtractionCache
from ocr_svc.config import OcrSettings, load_settings
from ocr_svc.isolated_extraction import IsolatedExtractor
from ocr_svc.servicer import OcrServicer
from ocr_svc.tables import OcrBase

SERVICE_NAME = ocr_service_pb2.DESCRIPTOR.services_by_name["OcrService"].full_name
INGEST_SERVICE = ingest_service_pb2.DESCRIPTOR.services_by_name["IngestService"].full_name


class OcrComponent(DatabaseComponent):
    """Serves ``conflux.ocr.v1.OcrService``; ready when its cache and ingest answer."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: OcrSettings, runtime: Runtime) -> None:
        super().__init__("ocr", settings.database_url)
        self._ingest_channel = runtime.channels.channel("ingest")
        # Each OCR worker waits on one extraction process, which runs one single-threaded
        # tesseract at a time: one per core.
        self._ocr_pool = BlockingPool("ocr-worker", settings.workers)
        self._extractor = IsolatedExtractor(settings.workers)
        self._servicer = OcrServicer(
            settings,
            ExtractionCache(self.database),
            ingest_service_pb2_grpc.IngestServiceStub(self._ingest_channel),
            self.pool,
            self._ocr_pool,
            extractor=self._extractor,
        )

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        ocr_service_pb2_grpc.add_OcrServiceServicer_to_server(self._servicer, server)

    def probes(self) -> Sequence[Probe]:
        """The cache database and the ingest service (documents are read from it)."""
        return (*super().probes(), service_probe("ingest", self._ingest_channel, INGEST_SERVICE))

    async def start(self) -> None:
        """Starts the extraction processes before the first document comes."""
        await self.pool.run(self._extractor.start)

    async def stop(self) -> None:
        """Stops the OCR workers, then the rest."""
        self._extractor.close()
        self._ocr_pool.close()
        await super().stop()


def build(settings: OcrSettings, runtime: Runtime) -> OcrComponent:
    """The OCR component."""
    return OcrComponent(settings, runtime)


DEFINITION = ServiceDefinition(
    "ocr", load_settings, build, OcrBase.metadata, Path(__file__).parent / "migrations"
)
