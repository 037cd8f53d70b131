"""Labelled examples kept by the service: imports, and agents' final categories."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select

from chassis.database import Database
from chassis.timestamps import utc_now
from classify_svc.examples import Example
from classify_svc.tables import ExampleRow


class ExampleStore:
    """The examples table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def add(self, examples: Sequence[Example], source: str) -> int:
        """Keeps labelled ``examples`` from ``source`` ("import", "feedback"); an example kept
        already (same content and category) is not kept twice. Returns how many were new."""
        now = utc_now()
        fresh = {_content_sha256(e): e for e in examples}
        with self._database.writing() as session:
            known = set(
                session.scalars(
                    select(ExampleRow.content_sha256).where(
                        ExampleRow.content_sha256.in_(list(fresh))
                    )
                )
            )
            session.add_all(
                ExampleRow(
                    content_sha256=digest,
                    source=source,
                    subject=e.subject,
                    text=e.text,
                    channel=e.channel,
                    attachment_media_types=list(e.attachment_media_types),
                    party_known=e.party_known,
                    category=e.category or "",
                    create_time=now,
                )
                for digest, e in fresh.items()
                if digest not in known
            )
        return len(fresh) - len(known)

    def all(self) -> list[Example]:
        """Every example kept, oldest first."""
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


def _content_sha256(example: Example) -> str:
    canonical = json.dumps(
        [example.subject, example.text, example.channel, example.category], ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
