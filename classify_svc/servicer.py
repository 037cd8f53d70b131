"""gRPC surface of the classify service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc

from chassis.errors import FailedPreconditionError, FieldViolation, InvalidArgumentError
from chassis.timestamps import to_timestamp
from chassis.vocabulary import Channel
from chassis.workers import BlockingPool
from classify_svc.example_store import ExampleStore
from classify_svc.examples import Example, InvalidExamplesError
from classify_svc.model import TrainedModel, train
from classify_svc.registry import ModelRegistry
from conflux.classify.v1 import classify_service_pb2 as pb
from conflux.classify.v1 import classify_service_pb2_grpc as pb_grpc

_MAX_VIOLATIONS = 20


class ClassifyServicer(pb_grpc.ClassifyServiceServicer):
    """Classification with the model in service; training of new versions."""

    def __init__(
        self,
        registry: ModelRegistry,
        examples: ExampleStore,
        pool: BlockingPool,
        training_pool: BlockingPool,
        training_threads: int,
    ) -> None:
        self._registry = registry
        self._examples = examples
        self._pool = pool
        self._training_pool = training_pool
        self._training_threads = training_threads
        self._model: TrainedModel | None = None
        self._training = asyncio.Lock()

    async def load(self) -> None:
        """Loads the model in service, if there is one."""
        self._model = await self._pool.run(self._registry.load_in_service)

    async def Classify(
        self, request: pb.ClassifyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ClassifyResponse:
        """The category, its probability, and whether the model abstains."""
        model = self._model
        if model is None:
            raise FailedPreconditionError(
                "NO_MODEL", "no model is in service: train one (conflux model train FILE)"
            )
        prediction = await self._pool.run(model.predict, _example(request.document, None))
        return pb.ClassifyResponse(
            category="" if prediction.abstained else prediction.category,
            probability=prediction.probability,
            abstained=prediction.abstained,
            model_version=model.version,
            top_categories=[
                pb.CategoryScore(category=category, probability=probability)
                for category, probability in prediction.top
            ],
        )

    async def TrainModel(
        self,
        request_iterator: AsyncIterator[pb.TrainModelRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> pb.TrainModelResponse:
        """Keeps the streamed examples, trains on every example kept, serves the new model."""
        received: list[Example] = []
        violations: list[FieldViolation] = []
        index = -1
        async for message in request_iterator:
            index += 1
            example = _example(message.document, message.category.strip())
            if not example.category:
                violations.append(FieldViolation(f"examples[{index}].category", "required"))
            elif not example.has_content:
                violations.append(FieldViolation(f"examples[{index}].document", "no text"))
            else:
                received.append(example)
        if violations:
            raise InvalidArgumentError(
                "INVALID_EXAMPLES",
                f"{len(violations)} examples cannot be used",
                violations[:_MAX_VIOLATIONS],
            )
        if not received:
            raise InvalidArgumentError(
                "NO_EXAMPLES", "no example was sent", [FieldViolation("examples", "empty")]
            )
        async with self._training:
            await self._pool.run(self._examples.add, received, "import")
            examples = await self._pool.run(self._examples.all)
            try:
                model = await self._training_pool.run(
                    train, examples, num_threads=self._training_threads
                )
            except InvalidExamplesError as error:
                raise InvalidArgumentError(
                    "UNUSABLE_EXAMPLES", str(error), [FieldViolation("examples", str(error))]
                ) from error
            await self._pool.run(self._registry.add_and_serve, model)
            self._model = model
        return pb.TrainModelResponse(model=_model_message(model))

    async def GetModel(
        self, request: pb.GetModelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetModelResponse:
        """The model in service."""
        if self._model is None:
            raise FailedPreconditionError("NO_MODEL", "no model is in service")
        return pb.GetModelResponse(model=_model_message(self._model))


def _example(document: pb.Document, category: str | None) -> Example:
    channel = Channel.from_proto(document.channel)
    return Example(
        subject=document.subject,
        text=document.text,
        channel=channel.value if channel else "",
        attachment_media_types=tuple(document.attachment_media_types),
        party_known=document.party_known,
        category=category,
    )


def _model_message(model: TrainedModel) -> pb.Model:
    return pb.Model(
        version=model.version,
        categories=list(model.categories),
        training_count=model.training_count,
        metrics=pb.ModelMetrics(
            accuracy=model.metrics.accuracy,
            macro_f1=model.metrics.macro_f1,
            evaluation_count=model.metrics.evaluation_count,
            evaluation_method=model.metrics.evaluation_method,
        ),
        create_time=to_timestamp(model.created),
        abstention_threshold=model.abstention_threshold,
    )
