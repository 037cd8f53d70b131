"""The identity service's domain on its real stores in a directory, for the benchmarks: the
same stores, index and resolver the service runs, without the gRPC hop."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from chassis.database import Database
from chassis.migrations import upgrade
from chassis.search.tantivy_index import TantivyIndex
from identity_svc.enrichment import EnrichmentPolicy
from identity_svc.enrichment_store import EnrichmentStore
from identity_svc.identifiers import IdentifierRules
from identity_svc.index_feeder import IndexFeeder
from identity_svc.matching import Thresholds
from identity_svc.outcome import ResolveOutcome
from identity_svc.party_index import SCHEMA
from identity_svc.party_store import PartyStore
from identity_svc.referential import ChangeAction, ImportReport, Party, PartyChange, normalise_party
from identity_svc.request_features import Request
from identity_svc.resolution_store import ResolutionStore
from identity_svc.resolver import Resolver

MIGRATIONS = Path(__file__).parents[1] / "identity_svc" / "migrations"
IMPORT_BATCH = 500


class EmbeddedIdentity:
    """The identity stores (SQLite) and party index (tantivy) in ``directory``."""

    def __init__(self, directory: Path, region: str = "FR") -> None:
        self.database = Database(f"sqlite:///{directory / 'identity.sqlite3'}")
        upgrade(self.database, MIGRATIONS, "identity")
        self.index = TantivyIndex(SCHEMA, directory / "party-index")
        self.rules = IdentifierRules(phone_region=region)
        self.parties = PartyStore(self.database)
        self.feeder = IndexFeeder(self.parties, self.index)
        resolutions = ResolutionStore(self.database)
        enrichments = EnrichmentStore(self.database, self.parties, EnrichmentPolicy())
        self.resolver = Resolver(
            self.parties,
            resolutions,
            enrichments,
            self.index,
            rules=self.rules,
            thresholds=Thresholds(),
        )

    def import_parties(self, parties: Iterable[Party]) -> ImportReport:
        """Normalises and stores ``parties`` in batches, then feeds the index."""
        report = ImportReport()
        batch: list[tuple[int, PartyChange]] = []
        for position, party in enumerate(parties):
            normalised, problems = normalise_party(party, self.rules)
            for problem in problems:
                report.reject(position, party.party_id, problem)
            batch.append((position, PartyChange(ChangeAction.UPSERT, normalised)))
            if len(batch) == IMPORT_BATCH:
                self.parties.apply(batch, report)
                self.feeder.drain()
                batch = []
        if batch:
            self.parties.apply(batch, report)
        self.feeder.drain()
        return report

    def assess(self, request: Request) -> ResolveOutcome:
        """The decision for ``request`` (nothing kept, nothing enriched)."""
        outcome, _ = self.resolver.assess(request)
        return outcome

    def __enter__(self) -> EmbeddedIdentity:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.index.close()
        self.database.dispose()
