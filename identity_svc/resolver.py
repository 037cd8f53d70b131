"""Resolving a request: read it, gather candidates, compare them, decide, keep, enrich; and
people's confirmations and corrections, which feed history and enrichment.

Candidates come from three places: the parties holding an identifier found in the request
(exact, from the referential's tables), the parties a sender handle was confirmed for (history),
and the party index (fuzzy names, addresses, dates of birth). The decision is made on the
comparison scores alone, never on the engine's relevance, so that it is the same whichever
engine serves the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from chassis.errors import FailedPreconditionError, NotFoundError
from chassis.search import SearchIndex
from identity_svc.enrichment import offers
from identity_svc.enrichment_store import SERVICE_ACTOR, EnrichmentStore
from identity_svc.extraction import FoundIdentifier, RequestText
from identity_svc.identifiers import IdentifierKind, IdentifierRules
from identity_svc.matching import Candidate, Decision, Thresholds, decide, rank
from identity_svc.outcome import (
    EnrichmentNote,
    ResolveOutcome,
    enrichment_record,
    from_record,
    to_record,
)
from identity_svc.party_index import candidate_query
from identity_svc.party_store import Holders, PartyStore
from identity_svc.profile import profile_of
from identity_svc.referential import Party
from identity_svc.request_features import Request, RequestFeatures, read_request
from identity_svc.resolution_store import ResolutionStore
from identity_svc.scoring import CandidateScore, RequestComparer
from identity_svc.weights import Frequencies

INDEX_CANDIDATES = 30
"""Candidates taken from the party index, best first."""


@dataclass(frozen=True)
class Confirmation:
    """A confirmed (or corrected) resolution: the party, who, when, and the enrichment it
    caused."""

    request_id: str
    party_id: str
    corrected: bool
    confirmed_by: str
    confirm_time: datetime
    enrichments: tuple[EnrichmentNote, ...]


class Resolver:
    """Resolves requests against the referential and learns from confirmations."""

    def __init__(
        self,
        parties: PartyStore,
        resolutions: ResolutionStore,
        enrichments: EnrichmentStore,
        index: SearchIndex,
        *,
        rules: IdentifierRules,
        thresholds: Thresholds,
    ) -> None:
        self._parties = parties
        self._resolutions = resolutions
        self._enrichments = enrichments
        self._index = index
        self._rules = rules
        self._thresholds = thresholds

    def resolve(self, request_id: str, request: Request) -> ResolveOutcome:
        """The resolution of ``request``, made once per ``request_id`` (a replay returns it)."""
        kept = self._resolutions.kept(request_id)
        if kept is not None:
            return from_record(kept)
        outcome, holders = self.assess(request)

        def enrich(session: Session) -> dict[str, Any]:
            notes = self._enrich(session, request_id, outcome, holders, SERVICE_ACTOR)
            return {"enrichments": [enrichment_record(n) for n in notes]}

        return from_record(self._resolutions.keep(request_id, to_record(outcome), enrich))

    def assess(self, request: Request) -> tuple[ResolveOutcome, Holders]:
        """The decision for ``request`` without keeping it or enriching anything, and who
        holds the identifiers found in it."""
        features, holders, scores, prior = self._score(request, INDEX_CANDIDATES)
        resolution = decide(scores, prior, self._thresholds)
        outcome = ResolveOutcome(
            resolution.decision,
            resolution.party_id,
            resolution.confidence,
            resolution.candidates,
            tuple(self._typed(features.identifiers, holders)),
        )
        return outcome, holders

    def search(self, text: str, limit: int) -> list[tuple[Party, Candidate]]:
        """The parties that best fit ``text`` (a name, an address, a date, an identifier),
        scored as senders of a request saying it, best first."""
        request = Request(sender_name=text, texts=(RequestText("query", text),))
        _, _, scores, prior = self._score(request, limit)
        ranked = rank(scores, prior)[:limit]
        parties = {p.party_id: p for p in self._parties.parties(c.party_id for c in ranked)}
        return [(parties[c.party_id], c) for c in ranked if c.party_id in parties]

    def _score(
        self, request: Request, index_limit: int
    ) -> tuple[RequestFeatures, Holders, list[CandidateScore], float]:
        features = read_request(request, self._rules.phone_region)
        holders = self._parties.holders(f.value for f in features.identifiers)
        senders = [f.value for f in features.identifiers if f.location == "sender"]
        confirmed = self._resolutions.confirmed_parties(senders)
        ids = {party_id for owners in holders.values() for party_id, _ in owners}
        ids |= {party_id for parties in confirmed.values() for party_id in parties}
        query = candidate_query(features)
        if query is not None:
            ids |= {hit.id for hit in self._index.search(query, index_limit)}
        profiles = [profile_of(p) for p in self._parties.parties(ids)]
        frequencies = Frequencies(self._parties.key_count, self._parties.size())
        locations = ["sender_name", *(t.location for t in request.texts)]
        comparer = RequestComparer(features, locations, frequencies)
        scores = [
            comparer.score(
                profile,
                [v for v, parties in confirmed.items() if profile.party.party_id in parties],
            )
            for profile in profiles
        ]
        return features, holders, scores, frequencies.prior_bits()

    def _typed(self, found: Sequence[FoundIdentifier], holders: Holders) -> list[FoundIdentifier]:
        """Number-like tokens given the kind the referential holds them under, or the kind
        whose configured format they fit; the others stay references. Tokens read only after
        OCR repair are kept when the referential or a format recognises them."""
        typed = []
        for identifier in found:
            if identifier.kind is not IdentifierKind.REFERENCE:
                typed.append(identifier)
                continue
            kinds = {kind for _, kind in holders.get(identifier.value, ())}
            kinds = kinds or set(self._rules.kinds_fitting(identifier.value))
            if len(kinds) == 1:
                typed.append(replace(identifier, kind=kinds.pop()))
            elif kinds or not identifier.repaired:
                typed.append(identifier)
        return typed

    def _enrich(
        self,
        session: Session,
        request_id: str,
        outcome: ResolveOutcome,
        holders: Holders,
        actor: str,
    ) -> list[EnrichmentNote]:
        if outcome.decision is not Decision.IDENTIFIED:
            return []
        return self._offer(
            session,
            request_id=request_id,
            party_id=outcome.party_id,
            confidence=outcome.confidence,
            found=outcome.found,
            holders=holders,
            actor=actor,
        )

    def _offer(
        self,
        session: Session,
        *,
        request_id: str,
        party_id: str,
        confidence: float,
        found: Sequence[FoundIdentifier],
        holders: Holders,
        actor: str,
    ) -> list[EnrichmentNote]:
        parties = self._parties.parties([party_id])
        if not parties:
            return []
        elsewhere = {
            value for value, owners in holders.items() if any(p != party_id for p, _ in owners)
        }
        offered = offers(parties[0], confidence, found, elsewhere)
        recorded = self._enrichments.record_offers(session, party_id, request_id, offered, actor)
        return [
            EnrichmentNote(e.enrichment_id, e.kind, e.value, e.confidence, e.state.value)
            for e in recorded
        ]

    def confirm(self, request_id: str, party_id: str, actor: str) -> Confirmation:
        """Records that ``actor`` confirms ``party_id`` as the sender of ``request_id`` (a
        correction when the resolution said otherwise): the sender handle becomes history for
        the party, what the request added to another party is reverted, and the request's new
        identifiers are offered to the party with full confidence."""
        party = self._parties.get(party_id)
        if party is None:
            raise NotFoundError("PARTY_NOT_FOUND", f"no party {party_id!r}")
        if party.state.value != "active":
            raise FailedPreconditionError("PARTY_INACTIVE", f"party {party_id!r} is inactive")
        notes: list[EnrichmentNote] = []

        def apply(session: Session, record: dict[str, Any], previous: str) -> None:
            outcome = from_record(record)
            senders = [f for f in outcome.found if f.location == "sender"]
            if previous and previous != party_id:
                note = f"the match was corrected to {party_id} by {actor}"
                self._enrichments.undo_request(session, request_id, party_id, actor, note)
                for sender in senders:
                    self._resolutions.forget_handle(session, sender.value, previous)
            for sender in senders:
                self._resolutions.remember_handle(
                    session,
                    sender.kind.value,
                    sender.value,
                    party_id,
                    request_id=request_id,
                    actor=actor,
                )
            holders = self._parties.holders(f.value for f in outcome.found)
            already = {n.value for n in outcome.enrichments}
            fresh = [f for f in outcome.found if f.value not in already or previous != party_id]
            notes.extend(
                self._offer(
                    session,
                    request_id=request_id,
                    party_id=party_id,
                    confidence=1.0,
                    found=fresh,
                    holders=holders,
                    actor=actor,
                )
            )

        confirmed = self._resolutions.confirm(request_id, party_id, actor, apply)
        if confirmed is None:
            raise NotFoundError(
                "RESOLUTION_NOT_FOUND", f"request {request_id!r} was never resolved"
            )
        record, _, when = confirmed
        decided = str(record["party_id"])
        return Confirmation(request_id, party_id, decided != party_id, actor, when, tuple(notes))
