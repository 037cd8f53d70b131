"""Labelled examples kept by the service: imports, and agents' final categories (feedback)."""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chassis.database import Database
from chassis.timestamps import utc_now
from classify_svc.examples import Example
from classify_svc.tables import FEEDBACK_SOURCE, IMPORT_SOURCE, ExampleRow


class FeedbackOutcome(enum.Enum):
    """What recording an agent's category did to the examples kept."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class ExampleStore:
    """The examples table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def add(self, examples: Sequence[Example]) -> int:
        """Keeps imported labelled ``examples``; an import kept already (same content and
        category) is not kept twice. Returns how many were new."""
        now = utc_now()
        fresh = {_content_sha256(e): e for e in examples}
        with self._database.writing() as session:
            known = set(
                session.scalars(
                    select(ExampleRow.content_sha256).where(
                        ExampleRow.source == IMPORT_SOURCE,
                        ExampleRow.content_sha256.in_(list(fresh)),
                    )
                )
            )
            session.add_all(
                _row(e, digest, IMPORT_SOURCE, "", now)
                for digest, e in fresh.items()
                if digest not in known
            )
        return len(fresh) - len(known)

    def record_feedback(self, request_id: str, example: Example) -> FeedbackOutcome:
        """Keeps the category an agent finally set on request ``request_id``, with its content.

        Idempotent by request: the same call again changes nothing (``UNCHANGED``); a call with
        another category or content replaces the request's example (``UPDATED``), the agent's
        last word being the final one.
        """
        try:
            return self._record_feedback(request_id, example)
        except IntegrityError:
            # Another call created this request's example between our read and our write: it
            # exists now, so the same call again updates it or finds it unchanged.
            return self._record_feedback(request_id, example)

    def _record_feedback(self, request_id: str, example: Example) -> FeedbackOutcome:
        digest = _content_sha256(example)
        with self._database.writing() as session:
            row = session.scalars(
                select(ExampleRow).where(
                    ExampleRow.source == FEEDBACK_SOURCE, ExampleRow.request_id == request_id
                )
            ).first()
            if row is None:
                session.add(_row(example, digest, FEEDBACK_SOURCE, request_id, utc_now()))
                return FeedbackOutcome.CREATED
            if row.content_sha256 == digest:
                return FeedbackOutcome.UNCHANGED
            replacement = _row(example, digest, FEEDBACK_SOURCE, request_id, utc_now())
            for column in (
                "content_sha256",
                "subject",
                "text",
                "channel",
                "attachment_media_types",
                "party_known",
                "category",
                "create_time",
            ):
                setattr(row, column, getattr(replacement, column))
            return FeedbackOutcome.UPDATED

    def all(self) -> list[Example]:
        """Every example kept, imports and feedback, oldest first."""
        with self._database.reading() as session:
            rows = session.scalars(select(ExampleRow).order_by(ExampleRow.example_id))
            return [
                Example(
                    subject=r.subject,
                    text=r.text,
                    channel=r.channel,
                    attachment_media_types=tuple(r.attachment_media_types),
                    party_known=r.party_known,
                    category=r.category,
                )
                for r in rows
            ]


def _row(example: Example, digest: str, source: str, request_id: str, now: datetime) -> ExampleRow:
    return ExampleRow(
        content_sha256=digest,
        source=source,
        request_id=request_id,
        subject=example.subject,
        text=example.text,
        channel=example.channel,
        attachment_media_types=list(example.attachment_media_types),
        party_known=example.party_known,
        category=example.category or "",
        create_time=now,
    )


def _content_sha256(example: Example) -> str:
    canonical = json.dumps(
        [example.subject, example.text, example.channel, example.category], ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
