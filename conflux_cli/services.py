"""The services of the suite, by name, in pipeline order."""

from __future__ import annotations

from chassis.server import ServiceDefinition
from classify_svc.service import DEFINITION as CLASSIFY
from correlate_svc.service import DEFINITION as CORRELATE
from gateway.service import DEFINITION as GATEWAY
from identity_svc.service import DEFINITION as IDENTITY
from ingest_svc.service import DEFINITION as INGEST
from ocr_svc.service import DEFINITION as OCR

DEFINITIONS: dict[str, ServiceDefinition] = {
    d.name: d for d in (INGEST, OCR, IDENTITY, CLASSIFY, CORRELATE, GATEWAY)
}


def select(names: list[str] | None) -> list[ServiceDefinition]:
    """The definitions named (all when ``names`` is empty), in pipeline order."""
    wanted = set(names or DEFINITIONS)
    return [d for name, d in DEFINITIONS.items() if name in wanted]
