"""Bounded pools for blocking and CPU-bound work, so that none of it runs on the event loop.

Synchronous database calls, parsing, rapidfuzz and LightGBM go to a ``BlockingPool`` (threads:
these libraries release the GIL or wait on I/O). Each call keeps the caller's context variables,
so the OpenTelemetry span and the call info follow the work into the thread. OpenMP-based
libraries are pinned to one thread per worker (see ``pin_native_threads``): on a 2-core machine
their own thread pools oversubscribe the cores 2-3 times.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS")


def pin_native_threads() -> None:
    """Limits OpenMP and BLAS to one thread per worker, unless the operator set otherwise.

    Must run before those libraries start their thread pools, i.e. at process start.
    """
    for name in NATIVE_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


class BlockingPool:
    """A fixed-size thread pool awaited from the event loop."""

    def __init__(self, name: str, size: int) -> None:
        self.size = size
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix=name)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs ``function`` in the pool and returns its result, keeping context variables."""
        context = contextvars.copy_context()
        call = functools.partial(context.run, function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def close(self) -> None:
        """Waits for running work and stops the threads."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def default_pool_size() -> int:
    """One worker per core available to this process."""
    return len(os.sched_getaffinity(0)) or 1


class QueueFullError(Exception):
    """More work is waiting than the queue admits."""


class AdmissionQueue:
    """At most ``concurrency`` tasks run at once and at most ``capacity`` wait; beyond that,
    ``slot`` refuses at once with ``QueueFullError`` instead of queueing without bound."""

    def __init__(self, concurrency: int, capacity: int) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._capacity = capacity
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Tasks waiting for a slot."""
        return self._waiting

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Holds a running slot for the duration of the block."""
        if self._semaphore.locked() and self._waiting >= self._capacity:
            raise QueueFullError(f"{self._waiting} tasks already wait (capacity {self._capacity})")
        self._waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._semaphore.release()
