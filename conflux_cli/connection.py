"""How the command line reaches a running Conflux: address, TLS and token from the
environment (the same ``CONFLUX_*`` variables the servers read), with ``--address`` first."""

from __future__ import annotations

import os

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from chassis.channels import open_channel
from chassis.config import DEFAULT_LISTEN_ADDRESS, ClientSettings, Environment, load_common


class ServerUnreachableError(Exception):
    """No Conflux server answers at the address."""


def default_address() -> str:
    """``CONFLUX_ADDRESS``, else the default listen address."""
    return os.environ.get("CONFLUX_ADDRESS", "") or DEFAULT_LISTEN_ADDRESS


def client_settings() -> ClientSettings:
    """Trust, token and message limits for client channels, from the environment."""
    env = Environment()
    settings = load_common(env).clients
    env.check()
    return settings


async def connect(address: str, *, timeout: float = 5.0) -> grpc.aio.Channel:
    """A channel to ``address`` whose server answered its health check."""
    channel = open_channel(address, client_settings())
    try:
        await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=timeout
        )
    except grpc.aio.AioRpcError as error:
        await channel.close()
        raise ServerUnreachableError(
            f"no Conflux server answers at {address} ({error.code().name}); start one with "
            "`conflux serve` or give --address"
        ) from error
    return channel
