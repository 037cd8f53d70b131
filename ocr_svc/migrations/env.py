"""Alembic environment of the OCR service."""

from chassis.migrations import run_env
from ocr_svc.tables import OcrBase

run_env(OcrBase.metadata)
