"""Extraction results by content hash and languages: the same attachment is read once."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.exc import IntegrityError

from chassis.database import Database
from chassis.timestamps import utc_now
from ocr_svc.extraction import Extraction, Method, PageText, Status
from ocr_svc.tables import ExtractionRow


class ExtractionCache:
    """Stores and finds extractions. Only final outcomes are kept: a result cut short by the
    time limit is not cached, so that a later call may complete it."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def find(self, sha256: str, languages: str) -> Extraction | None:
        """The cached extraction, if any."""
        with self._database.reading() as session:
            row = session.get(ExtractionRow, (sha256, languages))
            if row is None:
                return None
            return Extraction(
                pages=tuple(
                    PageText(
                        number=page["number"],
                        text=page["text"],
                        confidence=page["confidence"],
                        method=Method(page["method"]),
                        language=page["language"],
                        # Rows cached before per-page timings and skew were kept lack them.
                        seconds=page.get("seconds", 0.0),
                        skew_degrees=page.get("skew_degrees", 0.0),
                    )
                    for page in row.pages
                ),
                status=Status(row.status),
                detail=row.detail,
                seconds=row.seconds,
            )

    def keep(self, sha256: str, languages: str, extraction: Extraction, *, final: bool) -> None:
        """Caches ``extraction`` when ``final``; a concurrent identical write is harmless."""
        if not final:
            return
        pages = [{**asdict(page), "method": page.method.value} for page in extraction.pages]
        try:
            with self._database.writing() as session:
                if session.get(ExtractionRow, (sha256, languages)) is None:
                    session.add(
                        ExtractionRow(
                            sha256=sha256,
                            languages=languages,
                            status=extraction.status.value,
                            detail=extraction.detail,
                            pages=pages,
                            seconds=extraction.seconds,
                            create_time=utc_now(),
                        )
                    )
        except IntegrityError:
            pass
