"""Settings of the OCR service."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.config import CommonSettings, Environment
from chassis.workers import default_pool_size


@dataclass(frozen=True)
class OcrSettings:
    """Cache location, worker count, queue bound, languages and limits."""

    database_url: str
    workers: int
    queue_capacity: int
    languages: str
    time_limit_seconds: float
    max_document_bytes: int


def load_settings(env: Environment, common: CommonSettings) -> OcrSettings:
    """Reads ``CONFLUX_OCR_*`` (problems recorded in ``env``)."""
    workers = env.integer("CONFLUX_OCR_WORKERS", default_pool_size(), minimum=1)
    languages = env.text("CONFLUX_OCR_LANGUAGES", "fra+eng")
    if not all(part.isalnum() or "_" in part for part in languages.split("+")):
        env.problem(f"CONFLUX_OCR_LANGUAGES={languages!r} is not like fra+eng")
    return OcrSettings(
        database_url=common.database_url(env, "ocr"),
        workers=workers,
        queue_capacity=env.integer("CONFLUX_OCR_QUEUE_CAPACITY", 64, minimum=0),
        languages=languages,
        time_limit_seconds=env.number("CONFLUX_OCR_TIME_LIMIT_SECONDS", 300.0, minimum=1),
        max_document_bytes=env.integer(
            "CONFLUX_OCR_MAX_DOCUMENT_BYTES", 64 * 1024 * 1024, minimum=1
        ),
    )
