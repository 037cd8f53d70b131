"""The OCR service's table: extraction results cached by content hash (derived, disposable)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class OcrBase(DeclarativeBase):
    """Declarative base of the OCR service's own metadata."""


class ExtractionRow(OcrBase):
    """The text of one document read with one set of languages."""

    __tablename__ = "ocr_extractions"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    languages: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(default=0.0)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
