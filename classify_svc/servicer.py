"""gRPC surface of the classify service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc

from chassis.errors import (
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
)
from chassis.pagination import decode_token, next_page, page_size
from chassis.workers import BlockingPool
from classify_svc.example_store import ExampleStore
from classify_svc.examples import Example, InvalidExamplesError
from classify_svc.messages import EVALUATIONS, FEEDBACK_OUTCOMES, example_of, model_message
from classify_svc.model import Evaluation, TrainedModel, train
from classify_svc.model_store import ModelNotFoundError, ModelStoreError
from classify_svc.registry import ModelRecord, ModelRegistry
from classify_svc.sentence_embeddings import EmbeddingModelError
from classify_svc.tables import CATEGORY_MAX_LENGTH, REQUEST_ID_MAX_LENGTH
from conflux.classify.v1 import classify_service_pb2 as pb
from conflux.classify.v1 import classify_service_pb2_grpc as pb_grpc

_MAX_VIOLATIONS = 20
_MODELS_PAGE = "models"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingPolicy:
    """Threads a training may use, and the number of examples from which it evaluates on a
    holdout when the caller does not choose."""

    threads: int
    holdout_min_examples: int

    def evaluation(self, requested: pb.EvaluationMethod.ValueType, count: int) -> Evaluation:
        """The evaluation of a training on ``count`` examples."""
        if requested in EVALUATIONS:
            return EVALUATIONS[requested]
        if count >= self.holdout_min_examples:
            return Evaluation.HOLDOUT
        return Evaluation.CROSS_VALIDATION


class ClassifyServicer(pb_grpc.ClassifyServiceServicer):
    """Classification with the model in service; training, listing and promotion of versions;
    agents' feedback."""

    def __init__(
        self,
        registry: ModelRegistry,
        examples: ExampleStore,
        pool: BlockingPool,
        training_pool: BlockingPool,
        policy: TrainingPolicy,
    ) -> None:
        self._registry = registry
        self._examples = examples
        self._pool = pool
        self._training_pool = training_pool
        self._policy = policy
        self._model: TrainedModel | None = None
        self._unavailable = "no model is in service: train one (conflux model train FILE)"
        self._training = asyncio.Lock()
        # Changes of the version in service, by training or promotion, one at a time.
        self._serving = asyncio.Lock()

    async def load(self) -> None:
        """Loads the model in service, if there is one.

        A model that cannot be loaded (altered file, format or embedding model of another
        version) leaves the service up without a model: Classify says why, and training or
        promoting a version puts one in service.
        """
        try:
            self._model = await self._pool.run(self._registry.load_in_service)
        except (ModelStoreError, EmbeddingModelError) as error:
            _log.error("the model in service cannot be loaded: %s", error)
            self._unavailable = f"the model in service cannot be loaded: {error}"

    async def Classify(
        self, request: pb.ClassifyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ClassifyResponse:
        """The category, its probability, and whether the model abstains."""
        model = self._model
        if model is None:
            raise FailedPreconditionError("NO_MODEL", self._unavailable)
        prediction = await self._pool.run(model.predict, example_of(request.document, None))
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
        received, options = await _training_stream(request_iterator)
        async with self._training:
            new_count = await self._pool.run(self._examples.add, received) if received else 0
            examples = await self._pool.run(self._examples.all)
            if not examples:
                raise InvalidArgumentError(
                    "NO_EXAMPLES",
                    "no example was sent and the service keeps none",
                    [FieldViolation("examples", "empty")],
                )
            training = functools.partial(
                train,
                examples,
                evaluation=self._policy.evaluation(options.evaluation_method, len(examples)),
                num_threads=self._policy.threads,
            )
            try:
                model = await self._training_pool.run(training)
            except InvalidExamplesError as error:
                raise InvalidArgumentError(
                    "UNUSABLE_EXAMPLES", str(error), [FieldViolation("examples", str(error))]
                ) from error
            async with self._serving:
                record = await self._pool.run(self._registry.add_and_serve, model)
                self._model = model
        return pb.TrainModelResponse(
            model=model_message(record, with_report=True), new_example_count=new_count
        )

    async def GetModel(
        self, request: pb.GetModelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetModelResponse:
        """A version with its evaluation report; by default the one in service."""
        version = request.version.strip()
        if not version:
            if self._model is None:
                raise FailedPreconditionError("NO_MODEL", self._unavailable)
            version = self._model.version
        record = await self._record(version)
        return pb.GetModelResponse(model=model_message(record, with_report=True))

    async def ListModels(
        self, request: pb.ListModelsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListModelsResponse:
        """Versions newest first, a page at a time."""
        size = page_size(request.page_size)
        position = decode_token(_MODELS_PAGE, request.page_token)
        after = str(position["version"]) if position else None
        rows = await self._pool.run(self._registry.records, size + 1, after=after)
        page, token = next_page(rows, size, _MODELS_PAGE, lambda r: {"version": r.version})
        return pb.ListModelsResponse(
            models=[model_message(record, with_report=False) for record in page],
            next_page_token=token,
        )

    async def PromoteModel(
        self, request: pb.PromoteModelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.PromoteModelResponse:
        """Puts a version in service at once; the one it replaces stays available."""
        version = request.version.strip()
        if not version:
            raise InvalidArgumentError(
                "MISSING_VERSION", "version is required", [FieldViolation("version", "required")]
            )
        async with self._serving:
            previous = self._model.version if self._model else ""
            try:
                model = await self._pool.run(self._registry.promote, version)
            except ModelNotFoundError as error:
                raise NotFoundError("MODEL_NOT_FOUND", str(error)) from error
            except (ModelStoreError, EmbeddingModelError) as error:
                raise FailedPreconditionError("MODEL_UNUSABLE", str(error)) from error
            self._model = model
        _log.info("model %s in service (was %s)", version, previous or "none")
        return pb.PromoteModelResponse(
            model=model_message(ModelRecord.of(model, in_service=True), with_report=True),
            previous_version=previous,
        )

    async def RecordFeedback(
        self, request: pb.RecordFeedbackRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.RecordFeedbackResponse:
        """Keeps the agent's category for the request, for the next training."""
        request_id = request.request_id.strip()
        example = example_of(request.document, request.category.strip())
        violations = _label_violations(example, "")
        if not request_id:
            violations.append(FieldViolation("request_id", "required"))
        elif len(request_id) > REQUEST_ID_MAX_LENGTH:
            violations.append(
                FieldViolation("request_id", f"longer than {REQUEST_ID_MAX_LENGTH} characters")
            )
        if violations:
            raise InvalidArgumentError(
                "INVALID_FEEDBACK", "the feedback cannot be kept", violations
            )
        outcome = await self._pool.run(self._examples.record_feedback, request_id, example)
        return pb.RecordFeedbackResponse(outcome=FEEDBACK_OUTCOMES[outcome])

    async def _record(self, version: str) -> ModelRecord:
        try:
            return await self._pool.run(self._registry.record, version)
        except ModelNotFoundError as error:
            raise NotFoundError("MODEL_NOT_FOUND", str(error)) from error


async def _training_stream(
    messages: AsyncIterator[pb.TrainModelRequest],
) -> tuple[list[Example], pb.TrainingOptions]:
    """The labelled examples and the options of a TrainModel stream; every bad message is
    named at once (up to ``_MAX_VIOLATIONS``)."""
    received: list[Example] = []
    violations: list[FieldViolation] = []
    options = pb.TrainingOptions()
    index = -1
    async for message in messages:
        index += 1
        if message.HasField("options"):
            if index == 0:
                options = message.options
            else:
                violations.append(
                    FieldViolation(f"examples[{index}].options", "only on the first message")
                )
            if not message.HasField("document") and not message.category:
                continue
        example = example_of(message.document, message.category.strip())
        problems = _label_violations(example, f"examples[{index}].")
        violations.extend(problems)
        if not problems:
            received.append(example)
    if violations:
        raise InvalidArgumentError(
            "INVALID_EXAMPLES",
            f"{len(violations)} problems in the examples",
            violations[:_MAX_VIOLATIONS],
        )
    return received, options


def _label_violations(example: Example, prefix: str) -> list[FieldViolation]:
    violations = []
    if not example.category:
        violations.append(FieldViolation(f"{prefix}category", "required"))
    elif len(example.category) > CATEGORY_MAX_LENGTH:
        violations.append(
            FieldViolation(f"{prefix}category", f"longer than {CATEGORY_MAX_LENGTH} characters")
        )
    if not example.has_content:
        violations.append(FieldViolation(f"{prefix}document", "no text"))
    return violations
