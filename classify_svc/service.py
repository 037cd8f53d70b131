"""The classify service as the chassis hosts it: settings, migrations, wiring."""

from __future__ import annotations

from pathlib import Path

import grpc

from chassis.component import DatabaseComponent
from chassis.server import Runtime, ServiceDefinition
from chassis.workers import BlockingPool
from classify_svc.config import ClassifySettings, load_settings
from classify_svc.example_store import ExampleStore
from classify_svc.model_store import ModelStore
from classify_svc.registry import ModelRegistry
from classify_svc.servicer import ClassifyServicer, TrainingPolicy
from classify_svc.tables import ClassifyBase
from conflux.classify.v1 import classify_service_pb2, classify_service_pb2_grpc

SERVICE_NAME = classify_service_pb2.DESCRIPTOR.services_by_name["ClassifyService"].full_name


class ClassifyComponent(DatabaseComponent):
    """Serves ``conflux.classify.v1.ClassifyService``; ready when its database answers."""

    service_names = (SERVICE_NAME,)

    def __init__(self, settings: ClassifySettings) -> None:
        super().__init__("classify", settings.database_url)
        # Training is long and CPU-bound: its own pool keeps classification answering.
        self._training_pool = BlockingPool("classify-training", 1)
        self._servicer = ClassifyServicer(
            ModelRegistry(self.database, ModelStore(settings.model_dir)),
            ExampleStore(self.database),
            self.pool,
            self._training_pool,
            TrainingPolicy(settings.training_threads, settings.holdout_min_examples),
        )

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicer."""
        classify_service_pb2_grpc.add_ClassifyServiceServicer_to_server(self._servicer, server)

    async def start(self) -> None:
        """Loads the model in service."""
        await self._servicer.load()

    async def stop(self) -> None:
        """Stops training, then the rest."""
        self._training_pool.close()
        await super().stop()


def build(settings: ClassifySettings, runtime: Runtime) -> ClassifyComponent:
    """The classify component."""
    return ClassifyComponent(settings)


DEFINITION = ServiceDefinition(
    "classify", load_settings, build, ClassifyBase.metadata, Path(__file__).parent / "migrations"
)
