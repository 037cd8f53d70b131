"""Log lines carry the trace id of the span they are written in."""

from __future__ import annotations

import json
import logging

from opentelemetry import trace

from chassis.telemetry import JsonFormatter, TraceContextFilter


def _record(message: str) -> logging.LogRecord:
    record = logging.LogRecord("conflux.test", logging.INFO, __file__, 1, message, None, None)
    TraceContextFilter().filter(record)
    return record


def test_a_log_line_inside_a_span_carries_its_trace_id() -> None:
    with trace.get_tracer("test").start_as_current_span("work") as span:
        record = _record("inside")
        context = span.get_span_context()
    assert record.trace_id == f"{context.trace_id:032x}"
    assert record.span_id == f"{context.span_id:016x}"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["trace_id"] == record.trace_id
    assert entry["message"] == "inside"


def test_a_log_line_outside_any_span_has_an_empty_trace_id() -> None:
    record = _record("outside")
    assert record.trace_id == ""
