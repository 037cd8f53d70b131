"""Shared fixtures: telemetry captured in memory, database backends, the counts per backend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from chassis.telemetry import TelemetrySettings, configure_telemetry
from tests.support.databases import BACKENDS

SPANS = InMemorySpanExporter()
METRICS = InMemoryMetricReader()
# The global providers can be set once per process: the tests set them first, in memory.
configure_telemetry(
    TelemetrySettings(disabled=False, traces_exporter="none", metrics_exporter="none"),
    "conflux-tests",
    span_exporter=SPANS,
    metric_reader=METRICS,
)

_passed_per_backend: Counter[str] = Counter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans finished during the test."""
    SPANS.clear()
    yield SPANS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Runs the test on SQLite, then on PostgreSQL."""
    return str(request.param)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Counts the storage tests that passed on each database."""
    if report.when == "call" and report.passed:
        for backend in BACKENDS:
            if (
                f"[{backend}" in report.nodeid
                or f"-{backend}]" in report.nodeid
                or f"-{backend}-" in report.nodeid
            ):
                _passed_per_backend[backend] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Prints how many storage tests passed on each database."""
    if _passed_per_backend:
        counts = ", ".join(f"{n} on {b}" for b, n in sorted(_passed_per_backend.items()))
        terminalreporter.write_line(f"database-backed tests passed: {counts}")
