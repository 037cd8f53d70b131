"""Readiness from dependencies: each component's health follows what it needs.

A component lists its ``Probe``s (its database, the services it calls); a ``HealthMonitor``
runs them periodically and sets the component's service name to SERVING only when every probe
passes, NOT_SERVING otherwise. During the drain the library servicer ignores further changes
(``enter_graceful_shutdown``), so a draining server stays NOT_SERVING.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer

from chassis.workers import BlockingPool

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Probe:
    """A named check of one dependency; ``check`` SHALL return False (not raise) when it is down."""

    name: str
    check: Callable[[], Awaitable[bool]]


def database_probe(name: str, ping: Callable[[], bool], pool: BlockingPool) -> Probe:
    """A probe of a database, run off the event loop."""

    async def check() -> bool:
        return await pool.run(ping)

    return Probe(name, check)


def service_probe(name: str, channel: grpc.aio.Channel, service_name: str) -> Probe:
    """A probe asking ``service_name``'s own health over ``channel``."""
    stub = health_pb2_grpc.HealthStub(channel)

    async def check() -> bool:
        try:
            response = await stub.Check(
                health_pb2.HealthCheckRequest(service=service_name), timeout=1.0
            )
        except grpc.aio.AioRpcError:
            return False
        return bool(response.status == health_pb2.HealthCheckResponse.SERVING)

    return Probe(name, check)


@dataclass(frozen=True)
class Watched:
    """A gRPC service name and the probes its readiness depends on."""

    service_name: str
    probes: Sequence[Probe]


class HealthMonitor:
    """Keeps each watched service's health status in step with its probes."""

    def __init__(self, servicer: HealthServicer, watched: Sequence[Watched]) -> None:
        self._servicer = servicer
        self._watched = watched
        self._status: dict[str, bool] = {}

    async def refresh(self) -> bool:
        """Runs every probe once and publishes the statuses; True when all are serving."""
        all_serving = True
        for entry in self._watched:
            failed = [probe.name for probe in entry.probes if not await _safe(probe)]
            serving = not failed
            all_serving = all_serving and serving
            if self._status.get(entry.service_name) != serving:
                self._status[entry.service_name] = serving
                if failed:
                    _log.warning("%s NOT_SERVING: %s down", entry.service_name, ", ".join(failed))
                else:
                    _log.info("%s SERVING", entry.service_name)
            await self._servicer.set(
                entry.service_name,
                health_pb2.HealthCheckResponse.SERVING
                if serving
                else health_pb2.HealthCheckResponse.NOT_SERVING,
            )
        return all_serving

    async def run(self, interval: float = 2.0) -> None:
        """Refreshes forever: quickly until everything is up, then every ``interval`` seconds."""
        while True:
            all_serving = await self.refresh()
            await asyncio.sleep(interval if all_serving else min(interval, 0.2))


async def _safe(probe: Probe) -> bool:
    try:
        return await probe.check()
    except Exception:
        _log.exception("probe %s raised", probe.name)
        return False
