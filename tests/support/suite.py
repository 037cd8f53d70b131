"""A Conflux suite served in the test process on a free loopback port, as ``conflux serve`` does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc

from chassis.config import SERVICE_NAMES, Environment
from chassis.server import SuiteServer
from conflux_cli import services
from tests.support.databases import postgres_schema


@dataclass
class RunningSuite:
    """The server, its address and a channel to it."""

    server: SuiteServer
    address: str
    channel: grpc.aio.Channel
    data_dir: Path


def suite_environment(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a test suite: port 0, its own data dir, quick polling and drain."""
    return {
        "CONFLUX_LISTEN_ADDRESS": "127.0.0.1:0",
        "CONFLUX_DATA_DIR": str(data_dir),
        "CONFLUX_DRAIN_SECONDS": "2",
        "CONFLUX_GATEWAY_POLL_SECONDS": "0.05",
        "CONFLUX_LOG_LEVEL": "WARNING",
        **(extra or {}),
    }


@asynccontextmanager
async def running_suite(
    data_dir: Path,
    *,
    backend: str = "sqlite",
    only: list[str] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningSuite]:
    """Serves the suite (or ``only`` some services) until the block ends."""
    async with AsyncExitStack() as stack:
        env = suite_environment(data_dir, extra_env)
        if backend == "postgres":
            for name in SERVICE_NAMES:
                url = stack.enter_context(postgres_schema())
                env[f"CONFLUX_{name.upper()}_DATABASE_URL"] = url
        server = SuiteServer(services.select(only), Environment(env))
        address = await server.start()
        stack.push_async_callback(server.stop)
        channel = grpc.aio.insecure_channel(address)
        stack.push_async_callback(channel.close)
        yield RunningSuite(server, address, channel, data_dir)


async def eventually(check: object, *, timeout: float = 30.0, interval: float = 0.05) -> None:
    """Waits until the awaitable-returning callable ``check`` returns true, or fails."""
    assert callable(check)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)
