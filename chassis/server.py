"""The lifecycle every Conflux server shares, whether it hosts one service or all six.

A service is a ``ServiceDefinition``: how to read its settings, migrate its tables and build its
``Component`` (servicers, background tasks, dependency probes). ``SuiteServer`` hosts one or more
components on one ``grpc.aio`` server with: the standard health service per service name,
reflection, message-size limits, optional TLS/mTLS, the authentication hook, error mapping and
per-method metrics, OpenTelemetry spans; and on SIGTERM or SIGINT a graceful drain (health goes
NOT_SERVING, background work stops, in-flight calls finish within ``CONFLUX_DRAIN_SECONDS``).
Components call each other through gRPC channels even when they share the process.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from sqlalchemy import MetaData

from chassis.auth import AllowAll, Authenticator, BearerTokenAuthenticator
from chassis.channels import ChannelFactory
from chassis.config import CommonSettings, Environment, dialable_address, load_common
from chassis.database import Database
from chassis.health import HealthMonitor, Probe, Watched
from chassis.interceptors import ServerGuardInterceptor
from chassis.migrations import upgrade
from chassis.reflection import enable_reflection
from chassis.telemetry import configure_logging, configure_telemetry, load_telemetry_settings

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """What a component is built with: shared settings and channels to the other services."""

    common: CommonSettings
    channels: ChannelFactory


class Component(Protocol):
    """A service hosted by a server.

    SHALL register its servicers in ``register``, start its background work in ``start`` and
    stop it in ``stop`` (idempotently, within the drain time), and list in ``probes`` every
    dependency its readiness depends on.
    """

    @property
    def service_names(self) -> Sequence[str]:
        """The full gRPC names of the services it serves (health and reflection use them)."""
        ...

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicers to ``server`` (before it starts)."""
        ...

    def probes(self) -> Sequence[Probe]:
        """Dependencies this component needs to serve."""
        ...

    async def start(self) -> None:
        """Starts background work, after the server is listening."""
        ...

    async def stop(self) -> None:
        """Stops background work and releases resources."""
        ...


class StoredSettings(Protocol):
    """Settings of a service that owns a database."""

    @property
    def database_url(self) -> str:
        """The service's database."""
        ...


@dataclass(frozen=True)
class ServiceDefinition:
    """How to configure, migrate and build one service: its name, its settings, its tables
    (``metadata``) and their Alembic history (``migrations``), and its component."""

    name: str
    load_settings: Callable[[Environment, CommonSettings], Any]
    build: Callable[[Any, Runtime], Component]
    metadata: MetaData
    migrations: Path

    def migrate(self, settings: StoredSettings) -> None:
        """Brings the service's tables, in its configured database, to the latest revision."""
        database = Database(settings.database_url)
        try:
            upgrade(database, self.migrations, self.name)
        finally:
            database.dispose()


@dataclass
class SuiteServer:
    """One gRPC server hosting the given services."""

    definitions: Sequence[ServiceDefinition]
    env: Environment = field(default_factory=Environment)
    authenticator: Authenticator | None = None
    address: str = ""
    _server: grpc.aio.Server | None = None
    _components: list[Component] = field(default_factory=list)
    _health: HealthServicer | None = None
    _monitor_task: asyncio.Task[None] | None = None
    _channels: ChannelFactory | None = None
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _drain_seconds: float = 0.0

    async def start(self, *, default_service_name: str = "conflux") -> str:
        """Reads the configuration, migrates, binds, starts; returns the address to dial.

        Raises ``chassis.config.ConfigError`` naming every bad variable before anything starts.
        """
        common = load_common(self.env)
        self._drain_seconds = common.server.drain_seconds
        telemetry = load_telemetry_settings(self.env)
        all_settings = [d.load_settings(self.env, common) for d in self.definitions]
        self.env.check()
        configure_logging(common.log_level, common.log_format)
        configure_telemetry(telemetry, default_service_name)
        if common.migrate_on_start:
            for definition, settings in zip(self.definitions, all_settings, strict=True):
                definition.migrate(settings)

        server = self._grpc_server(common)
        port = _bind(server, common.server.listen_address, common)
        self.address = dialable_address(common.server.listen_address, port)
        self._channels = ChannelFactory(common.clients, self.address)
        runtime = Runtime(common, self._channels)
        self._components = [
            definition.build(settings, runtime)
            for definition, settings in zip(self.definitions, all_settings, strict=True)
        ]
        health = HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
        names: list[str] = []
        for component in self._components:
            component.register(server)
            names.extend(component.service_names)
            for name in component.service_names:
                await health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        enable_reflection(
            server, [*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name]
        )
        await server.start()
        await health.set("", health_pb2.HealthCheckResponse.SERVING)
        self._server, self._health = server, health
        for component in self._components:
            await component.start()
        monitor = HealthMonitor(
            health,
            [
                Watched(name, component.probes())
                for component in self._components
                for name in component.service_names
            ],
        )
        await monitor.refresh()
        self._monitor_task = asyncio.create_task(monitor.run(), name="health-monitor")
        _log.info("serving %s on %s", ", ".join(d.name for d in self.definitions), self.address)
        return self.address

    def _grpc_server(self, common: CommonSettings) -> grpc.aio.Server:
        """The server with the suite's interceptors (spans, then the guard) and limits."""
        settings = common.server
        authenticator = self.authenticator or (
            BearerTokenAuthenticator(settings.auth_token) if settings.auth_token else AllowAll()
        )
        return grpc.aio.server(
            interceptors=[
                aio_server_interceptor(),  # type: ignore[no-untyped-call]
                ServerGuardInterceptor(authenticator),
            ],
            options=[
                ("grpc.max_send_message_length", settings.max_message_bytes),
                ("grpc.max_receive_message_length", settings.max_message_bytes),
                # Two servers must not share a port silently (gRPC's default allows it).
                ("grpc.so_reuseport", 0),
            ],
        )

    async def serve_until_signal(self) -> None:
        """Waits for SIGTERM or SIGINT (or ``stop``), then drains and stops."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._stopped.set)
        try:
            await self._stopped.wait()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
        await self.stop()

    async def stop(self) -> None:
        """Drains: NOT_SERVING, background work stopped, in-flight calls finished, closed."""
        server, health = self._server, self._health
        if server is None or health is None:
            return
        self._server = None
        grace = self._drain_seconds
        _log.info("draining (up to %.0f s)", grace)
        await health.enter_graceful_shutdown()
        if self._monitor_task is not None:
            self._monitor_task.cancel()
        # Callers before the services they call (the gateway first, ingest last), so that no
        # background work calls a service that has already stopped.
        for component in reversed(self._components):
            await component.stop()
        await server.stop(grace)
        if self._channels is not None:
            await self._channels.close()
        _log.info("stopped")


class ListenError(OSError):
    """The server cannot listen on its address (in use, or not an address of this host)."""


def _bind(server: grpc.aio.Server, address: str, common: CommonSettings) -> int:
    tls = common.server.tls
    try:
        if tls is None:
            port = server.add_insecure_port(address)
        else:
            client_ca = tls.client_ca_file.read_bytes() if tls.client_ca_file else None
            credentials = grpc.ssl_server_credentials(
                [(tls.key_file.read_bytes(), tls.cert_file.read_bytes())],
                root_certificates=client_ca,
                require_client_auth=client_ca is not None,
            )
            port = server.add_secure_port(address, credentials)
    except RuntimeError as refused:  # grpc's own "Failed to bind to address"
        raise _listen_error(address) from refused
    bound: int = port
    if bound == 0:
        raise _listen_error(address)
    return bound


def _listen_error(address: str) -> ListenError:
    return ListenError(
        f"cannot listen on {address}: the address is in use or not available "
        "(set CONFLUX_LISTEN_ADDRESS)"
    )
