"""OpenTelemetry tracing and metrics configured from the standard ``OTEL_*`` variables.

``OTEL_TRACES_EXPORTER`` and ``OTEL_METRICS_EXPORTER`` choose ``none`` (the default), ``console``
or ``otlp`` (then ``OTEL_EXPORTER_OTLP_*`` apply); ``OTEL_SERVICE_NAME`` and
``OTEL_RESOURCE_ATTRIBUTES`` name the process; ``OTEL_SDK_DISABLED=true`` turns everything off.
Spans exist even with no exporter, so that trace context crosses every gRPC hop and every log
line carries the trace id.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

from chassis.config import ConfigError, Environment

EXPORTERS = ("none", "console", "otlp")


@dataclass(frozen=True)
class TelemetrySettings:
    """What ``OTEL_*`` asks for."""

    disabled: bool
    traces_exporter: str
    metrics_exporter: str


def load_telemetry_settings(env: Environment) -> TelemetrySettings:
    """Reads the OpenTelemetry variables the suite honours (problems recorded in ``env``)."""
    return TelemetrySettings(
        disabled=env.flag("OTEL_SDK_DISABLED", False),
        traces_exporter=env.choice("OTEL_TRACES_EXPORTER", "none", EXPORTERS),
        metrics_exporter=env.choice("OTEL_METRICS_EXPORTER", "none", EXPORTERS),
    )


_configured = False


def configure_telemetry(
    settings: TelemetrySettings,
    default_service_name: str,
    *,
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
) -> None:
    """Installs the global tracer and meter providers, once per process.

    ``span_exporter`` and ``metric_reader`` let tests capture what is produced; they are added
    to whatever the environment asks for. A second call is ignored, since OpenTelemetry's global
    providers can be set only once.
    """
    global _configured  # noqa: PLW0603 - the providers are process-global by design
    if _configured or settings.disabled:
        return
    _configured = True
    resource = Resource.create({"service.name": default_service_name}).merge(Resource.create())
    tracer_provider = TracerProvider(resource=resource)
    exporter = _span_exporter(settings.traces_exporter)
    if exporter is not None:
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    if span_exporter is not None:
        tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    trace.set_tracer_provider(tracer_provider)
    readers: list[MetricReader] = []
    metric_exporter = _metric_reader(settings.metrics_exporter)
    if metric_exporter is not None:
        readers.append(metric_exporter)
    if metric_reader is not None:
        readers.append(metric_reader)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))


def _span_exporter(name: str) -> SpanExporter | None:
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        return OTLPSpanExporter()
    return None


def _metric_reader(name: str) -> MetricReader | None:
    if name == "console":
        return PeriodicExportingMetricReader(ConsoleMetricExporter())
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (  # noqa: PLC0415
            OTLPMetricExporter,
        )

        return PeriodicExportingMetricReader(OTLPMetricExporter())
    return None


class TraceContextFilter(logging.Filter):
    """Adds ``trace_id`` and ``span_id`` of the current span to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotates the record; never drops it."""
        context = trace.get_current_span().get_span_context()
        record.trace_id = f"{context.trace_id:032x}" if context.is_valid else ""
        record.span_id = f"{context.span_id:016x}" if context.is_valid else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the trace id, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialises the record."""
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", ""),
            "span_id": getattr(record, "span_id", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, log_format: str) -> None:
    """Sends logs to stderr in ``text`` or ``json``, each line carrying the trace id."""
    if log_format not in ("text", "json"):
        raise ConfigError(f"log format {log_format!r} is not text or json")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TraceContextFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [trace=%(trace_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
