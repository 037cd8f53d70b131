"""The classify service's tables: labelled examples and the model registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ClassifyBase(DeclarativeBase):
    """Declarative base of the classify service's own metadata."""


CATEGORY_MAX_LENGTH = 100
REQUEST_ID_MAX_LENGTH = 100
IMPORT_SOURCE = "import"
FEEDBACK_SOURCE = "feedback"


class ExampleRow(ClassifyBase):
    """A labelled example: imported, or the category an agent finally set on a request.

    An import is kept once per content and category; feedback once per request (the agent's
    last word replaces an earlier one).
    """

    __tablename__ = "classify_examples"
    __table_args__ = (
        Index(
            "ux_classify_examples_import_content",
            "content_sha256",
            unique=True,
            sqlite_where=text(f"source = '{IMPORT_SOURCE}'"),
            postgresql_where=text(f"source = '{IMPORT_SOURCE}'"),
        ),
        Index(
            "ux_classify_examples_feedback_request",
            "request_id",
            unique=True,
            sqlite_where=text(f"source = '{FEEDBACK_SOURCE}'"),
            postgresql_where=text(f"source = '{FEEDBACK_SOURCE}'"),
        ),
    )

    example_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    content_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str] = mapped_column(String(REQUEST_ID_MAX_LENGTH), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16), default="")
    attachment_media_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    party_known: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX_LENGTH))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModelRow(ClassifyBase):
    """A trained model version: its file's hash, its metadata, and whether it is in service."""

    __tablename__ = "classify_models"

    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    in_service: Mapped[bool] = mapped_column(default=False)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
