"""BlockingPool runs work off the loop with the caller's context; AdmissionQueue bounds work."""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading

import pytest

from chassis.workers import (
    NATIVE_THREAD_VARIABLES,
    AdmissionQueue,
    BlockingPool,
    QueueFullError,
    default_pool_size,
    pin_native_threads,
)

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


async def test_the_pool_runs_work_in_its_threads_and_returns_the_result() -> None:
    pool = BlockingPool("conflux-test", 2)
    try:
        name = await pool.run(lambda: threading.current_thread().name)
        total = await pool.run(sum, [1, 2, 3])
    finally:
        pool.close()

    assert name.startswith("conflux-test")
    assert name != threading.current_thread().name
    assert total == 6
    assert pool.size == 2


async def test_the_pool_passes_keyword_arguments() -> None:
    pool = BlockingPool("conflux-test", 1)
    try:
        assert await pool.run(int, "ff", base=16) == 255
    finally:
        pool.close()


async def test_the_pool_keeps_the_callers_context_variables() -> None:
    pool = BlockingPool("conflux-test", 1)
    REQUEST_ID.set("req-1")
    try:
        seen = await pool.run(REQUEST_ID.get)
    finally:
        pool.close()

    assert seen == "req-1"


async def test_a_change_made_in_the_pool_does_not_leak_into_the_caller() -> None:
    pool = BlockingPool("conflux-test", 1)
    REQUEST_ID.set("caller")
    try:
        await pool.run(REQUEST_ID.set, "worker")
    finally:
        pool.close()

    assert REQUEST_ID.get() == "caller"


async def test_an_exception_in_the_pool_reaches_the_caller() -> None:
    pool = BlockingPool("conflux-test", 1)
    try:
        with pytest.raises(ValueError, match="invalid literal"):
            await pool.run(int, "not a number")
    finally:
        pool.close()


async def test_the_pool_runs_at_most_size_calls_at_once() -> None:
    pool = BlockingPool("conflux-test", 2)
    lock = threading.Lock()
    running = 0
    peak = 0
    release = threading.Event()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(5)
        with lock:
            running -= 1

    try:
        calls = [asyncio.ensure_future(pool.run(work)) for _ in range(5)]
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.gather(*calls)
    finally:
        pool.close()

    assert peak == 2


def test_pin_native_threads_sets_one_thread_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NATIVE_THREAD_VARIABLES:
        # setenv then delenv: the variable is restored (or removed) after the test.
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")

    pin_native_threads()

    assert os.environ["OMP_NUM_THREADS"] == "4"
    assert os.environ["OMP_THREAD_LIMIT"] == "1"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_default_pool_size_is_the_usable_cores() -> None:
    assert default_pool_size() == len(os.sched_getaffinity(0))
    assert default_pool_size() >= 1


async def _hold(queue: AdmissionQueue, started: list[int], release: asyncio.Event) -> None:
    async with queue.slot():
        started.append(1)
        await release.wait()


async def test_the_queue_runs_at_most_concurrency_tasks() -> None:
    queue = AdmissionQueue(concurrency=2, capacity=10)
    release = asyncio.Event()
    started: list[int] = []

    tasks = [asyncio.create_task(_hold(queue, started, release)) for _ in range(5)]
    await asyncio.sleep(0.01)

    assert len(started) == 2
    assert queue.waiting == 3
    release.set()
    await asyncio.gather(*tasks)
    assert len(started) == 5
    assert queue.waiting == 0


async def test_the_queue_refuses_at_once_beyond_its_capacity() -> None:
    queue = AdmissionQueue(concurrency=1, capacity=1)
    release = asyncio.Event()
    started: list[int] = []
    running = asyncio.create_task(_hold(queue, started, release))
    waiting = asyncio.create_task(_hold(queue, started, release))
    await asyncio.sleep(0.01)

    with pytest.raises(QueueFullError, match="capacity 1"):
        async with queue.slot():
            pass

    assert queue.waiting == 1
    release.set()
    await asyncio.gather(running, waiting)
    assert len(started) == 2


async def test_a_queue_of_no_capacity_only_admits_into_free_slots() -> None:
    queue = AdmissionQueue(concurrency=1, capacity=0)
    release = asyncio.Event()
    started: list[int] = []
    running = asyncio.create_task(_hold(queue, started, release))
    await asyncio.sleep(0.01)

    with pytest.raises(QueueFullError):
        async with queue.slot():
            pass

    release.set()
    await running
    async with queue.slot():
        started.append(1)
    assert len(started) == 2


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    queue = AdmissionQueue(concurrency=1, capacity=1)
    release = asyncio.Event()
    started: list[int] = []
    running = asyncio.create_task(_hold(queue, started, release))
    waiting = asyncio.create_task(_hold(queue, started, release))
    await asyncio.sleep(0.01)
    assert queue.waiting == 1

    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting

    assert queue.waiting == 0
    release.set()
    await running
    async with asyncio.timeout(1):
        async with queue.slot():
            started.append(1)
    assert len(started) == 2


async def test_a_failing_task_releases_its_slot() -> None:
    queue = AdmissionQueue(concurrency=1, capacity=0)

    with pytest.raises(RuntimeError):
        async with queue.slot():
            raise RuntimeError("work failed")

    async with asyncio.timeout(1):
        async with queue.slot():
            pass
