"""The pipeline: follow ingest's accepted feed, and drive each request through the steps.

One *follower* pages through the feed with a cursor and admits each new item (cursor and
admissions are committed together, so a restart neither skips nor repeats an item). *Workers*
claim due requests and run their remaining steps in order, recording each outcome. A failed step
is retried with exponential backoff up to ``max_attempts``, then the request is parked as failed
with its reason; a refused input parks it at once. Every request has one trace: its first step
opens it, and each later step (after a retry or a restart) is recorded in the same trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

import grpc
from opentelemetry import propagate, trace
from opentelemetry.context import Context

from chassis.timestamps import utc_now
from chassis.vocabulary import Channel
from chassis.workers import BlockingPool
from conflux.ingest.v1 import ingest_service_pb2
from gateway.config import GatewaySettings
from gateway.pipeline_store import Admission, PipelineStore
from gateway.steps import Clients, Step, StepError, StepInput, step_error
from gateway.tables import PipelineRow

_log = logging.getLogger(__name__)
_tracer = trace.get_tracer("conflux.gateway")
_FEED_PAGE = 200
LEASE = timedelta(seconds=30)
"""How long a claim lasts without renewal: a crashed worker's requests are taken again after it."""


class Pipeline:
    """The follower and the workers."""

    def __init__(
        self,
        settings: GatewaySettings,
        store: PipelineStore,
        clients: Clients,
        steps: Mapping[str, Step],
        pool: BlockingPool,
    ) -> None:
        self._settings = settings
        self._store = store
        self._clients = clients
        self._steps = steps
        self._pool = pool
        self._lease = LEASE
        self._work = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    async def start(self) -> None:
        """Frees what a crashed run left claimed, then starts the follower and the workers."""
        released = await self._pool.run(self._store.release_leases_of_a_previous_run)
        if released:
            _log.info("resuming %d requests left in progress by the previous run", released)
        self._tasks.append(asyncio.create_task(self._follow(), name="gateway-follower"))
        self._tasks += [
            asyncio.create_task(self._work_loop(), name=f"gateway-worker-{n}")
            for n in range(self._settings.workers)
        ]

    async def stop(self, grace: float) -> None:
        """Stops taking work, lets running steps finish within ``grace``, then cancels."""
        self._stopping = True
        self._work.set()
        _, pending = await asyncio.wait(self._tasks, timeout=grace) if self._tasks else ((), ())
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def wake(self) -> None:
        """Tells the workers that work may be due (after a replay)."""
        self._work.set()

    async def _follow(self) -> None:
        token = await self._pool.run(self._store.cursor)
        while not self._stopping:
            try:
                page = await self._clients.ingest.ListAcceptedItems(
                    ingest_service_pb2.ListAcceptedItemsRequest(
                        page_size=_FEED_PAGE, page_token=token
                    ),
                    timeout=30,
                )
            except grpc.aio.AioRpcError as error:
                _log.warning("feed unavailable (%s); retrying", error.code().name)
                await asyncio.sleep(1.0)
                continue
            if page.items:
                admissions = [_admission(item) for item in page.items]
                created = await self._pool.run(self._store.admit, admissions, page.next_page_token)
                if created:
                    self._work.set()
            token = page.next_page_token
            if len(page.items) < _FEED_PAGE:
                await asyncio.sleep(self._settings.poll_seconds)

    async def _work_loop(self) -> None:
        while not self._stopping:
            row = await self._pool.run(self._store.claim, self._lease)
            if row is None:
                self._work.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._work.wait(), self._settings.poll_seconds * 5)
                continue
            self._work.set()  # there may be more: let another worker look
            try:
                await self._process(row)
            except Exception:
                _log.exception("unexpected failure processing %s", row.request_id)

    async def _process(self, row: PipelineRow) -> None:
        parent = self._trace_context(row)
        if parent is None:
            with _tracer.start_as_current_span(
                "pipeline request", attributes={"conflux.request_id": row.request_id}
            ):
                carrier: dict[str, str] = {}
                propagate.inject(carrier)
            parent = propagate.extract(carrier)
            await self._pool.run(
                self._store.set_trace_parent, row.request_id, carrier.get("traceparent", "")
            )
        results = dict(row.results)
        step_name = row.next_step
        attempts = row.attempts
        item: ingest_service_pb2.Item | None = None
        while step_name and not self._stopping:
            step = self._steps[step_name]
            with _tracer.start_as_current_span(
                f"pipeline {step_name}",
                context=parent,
                attributes={"conflux.request_id": row.request_id, "conflux.step": step_name},
            ) as span:
                renewal = asyncio.create_task(self._keep_lease(row.request_id))
                try:
                    if item is None:  # once per claim: items do not change
                        item = await self._item(row.request_id)
                    result = await step.run(
                        StepInput(row.request_id, item, results),
                        self._settings.step_timeout_seconds,
                    )
                except StepError as error:
                    span.set_status(trace.Status(trace.StatusCode.ERROR, str(error)))
                    await self._fail(row.request_id, step_name, error, attempts + 1)
                    return
                finally:
                    renewal.cancel()
            if not await self._pool.run(
                self._store.succeed, row.request_id, step_name, result, self._lease
            ):
                return
            results[step_name] = result
            attempts = 0
            position = list(self._steps).index(step_name)
            step_name = list(self._steps)[position + 1] if position + 1 < len(self._steps) else ""

    async def _keep_lease(self, request_id: str) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            await self._pool.run(self._store.renew, request_id, LEASE)

    async def _item(self, request_id: str) -> ingest_service_pb2.Item:
        try:
            response = await self._clients.ingest.GetItem(
                ingest_service_pb2.GetItemRequest(item_id=request_id), timeout=30
            )
        except grpc.aio.AioRpcError as error:
            raise step_error("ingest", error) from error
        item: ingest_service_pb2.Item = response.item
        return item

    async def _fail(self, request_id: str, step: str, error: StepError, attempt: int) -> None:
        if not error.retryable or attempt >= self._settings.max_attempts:
            _log.warning("request %s parked at %s: %s", request_id, step, error)
            await self._pool.run(self._store.fail, request_id, step, str(error), None)
            return
        delay = min(
            self._settings.initial_backoff_seconds * 2 ** (attempt - 1),
            self._settings.max_backoff_seconds,
        )
        _log.info("request %s: %s failed (%s); retry in %.1f s", request_id, step, error, delay)
        await self._pool.run(
            self._store.fail, request_id, step, str(error), utc_now() + timedelta(seconds=delay)
        )

    @staticmethod
    def _trace_context(row: PipelineRow) -> Context | None:
        if not row.trace_parent:
            return None
        return propagate.extract({"traceparent": row.trace_parent})


def _admission(item: ingest_service_pb2.Item) -> Admission:
    channel = Channel.from_proto(item.channel)
    return Admission(
        request_id=item.item_id,
        sequence=item.sequence,
        channel=channel.value if channel else "",
        source=item.source,
        subject=item.subject,
        triage=item.triage_reason if item.state == ingest_service_pb2.ITEM_STATE_TRIAGE else "",
    )
