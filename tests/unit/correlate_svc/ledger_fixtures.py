"""A ledger on a real database (SQLite file or PostgreSQL schema) with an in-memory tantivy
index, and requests to feed it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chassis.database import Database
from chassis.migrations import upgrade
from chassis.search.tantivy_index import TantivyIndex
from chassis.workers import BlockingPool
from correlate_svc.cases import Cases
from correlate_svc.decision import Thresholds, Weights
from correlate_svc.index_feeder import IndexFeeder
from correlate_svc.ledger import Ledger, NewRequest
from correlate_svc.request_index import SCHEMA
from correlate_svc.service import DEFINITION
from tests.support.databases import database_url

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REOPEN_WINDOW = timedelta(days=14)


@dataclass
class Store:
    """The ledger, the case operations and the index of one test."""

    database: Database
    ledger: Ledger
    cases: Cases
    index: TantivyIndex
    feeder: IndexFeeder

    def index_everything(self) -> None:
        """Drains the outbox into the index, as the feeder does in the service."""
        while self.feeder.drain_once():
            pass


def open_store(backend: str, directory: Path) -> Iterator[Store]:
    """A fresh, migrated ledger on ``backend`` (files in ``directory``), closed afterwards."""
    with database_url(backend, directory, "correlate") as url:
        database = Database(url)
        upgrade(database, DEFINITION.migrations, "correlate")
        index = TantivyIndex(SCHEMA, None)
        ledger = Ledger(database, index, Weights(), Thresholds(), REOPEN_WINDOW)
        pool = BlockingPool("feeder", 1)
        try:
            yield Store(database, ledger, Cases(database), index, IndexFeeder(ledger, index, pool))
        finally:
            pool.close()
            database.dispose()


def request(request_id: str, **changes: object) -> NewRequest:
    """A termination request from party ``jean`` by email on MONDAY, with ``changes``."""
    fields: dict[str, object] = {
        "request_id": request_id,
        "channel": "email",
        "party_id": "jean",
        "category": "termination",
        "subject": "Résiliation de mon contrat",
        "text": "Je demande la résiliation de mon contrat habitation au 31 mars.",
        "sent_time": MONDAY,
    }
    fields.update(changes)
    return NewRequest(**fields)  # type: ignore[arg-type]


GAS_METER = {
    "category": "meter",
    "subject": "Compteur de gaz",
    "text": "Le compteur de gaz affiche un relevé erroné depuis janvier, merci de corriger.",
}
"""A different demand of the same party."""
