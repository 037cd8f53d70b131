"""The referential and the decisions as ``conflux.identity.v1`` carries them: both ways."""

from __future__ import annotations

from collections.abc import Iterable

from chassis.timestamps import from_timestamp, to_timestamp
from conflux.identity.v1 import identity_service_pb2 as pb
from identity_svc.enrichment import EnrichmentState
from identity_svc.enrichment_store import Enrichment
from identity_svc.identifiers import IdentifierKind, InvalidIdentifierError
from identity_svc.matching import Candidate, Decision
from identity_svc.outcome import EnrichmentNote, ResolveOutcome
from identity_svc.referential import (
    ChangeAction,
    Identifier,
    IdentifierSource,
    Party,
    PartyChange,
    PartyKind,
    PartyState,
)
from identity_svc.scoring import FieldEvidence

KINDS = {kind: pb.IdentifierKind.Value(f"IDENTIFIER_KIND_{kind.name}") for kind in IdentifierKind}
"""Each identifier kind's protobuf value."""
_PARTY_KINDS = {
    PartyKind.PERSON: pb.PARTY_KIND_PERSON,
    PartyKind.ORGANISATION: pb.PARTY_KIND_ORGANISATION,
}
_STATES = {PartyState.ACTIVE: pb.PARTY_STATE_ACTIVE, PartyState.INACTIVE: pb.PARTY_STATE_INACTIVE}
_SOURCES = {
    IdentifierSource.CRM: pb.IDENTIFIER_SOURCE_CRM,
    IdentifierSource.ENRICHMENT: pb.IDENTIFIER_SOURCE_ENRICHMENT,
}
_ACTIONS = {
    pb.CHANGE_ACTION_UNSPECIFIED: ChangeAction.UPSERT,
    pb.CHANGE_ACTION_UPSERT: ChangeAction.UPSERT,
    pb.CHANGE_ACTION_DEACTIVATE: ChangeAction.DEACTIVATE,
    pb.CHANGE_ACTION_ERASE: ChangeAction.ERASE,
}
DECISIONS = {
    Decision.IDENTIFIED: pb.DECISION_IDENTIFIED,
    Decision.AMBIGUOUS: pb.DECISION_AMBIGUOUS,
    Decision.UNKNOWN: pb.DECISION_UNKNOWN,
}
ENRICHMENT_STATES = {
    state: pb.EnrichmentState.Value(f"ENRICHMENT_STATE_{state.name}") for state in EnrichmentState
}


def party_message(party: Party) -> pb.Party:
    """The protobuf form of a party."""
    return pb.Party(
        party_id=party.party_id,
        kind=_PARTY_KINDS[party.kind],
        display_name=party.display_name,
        identifiers=[
            pb.Identifier(
                kind=KINDS[IdentifierKind(kind)],
                value=value,
                source=_SOURCES[IdentifierSource(source)],
            )
            for kind, value, source in party.identifiers
        ],
        postal_addresses=list(party.postal_addresses),
        given_name=party.given_name,
        family_name=party.family_name,
        birth_date=party.birth_date,
        state=_STATES[party.state],
        update_time=to_timestamp(party.update_time),
    )


def party_from_message(message: pb.Party) -> Party:
    """The party a message describes; ``InvalidIdentifierError`` for an identifier without a
    kind. Values are kept as written (``referential.normalise_party`` puts them in form)."""
    kind = (
        PartyKind.ORGANISATION if message.kind == pb.PARTY_KIND_ORGANISATION else PartyKind.PERSON
    )
    identifiers = []
    for identifier in message.identifiers:
        if identifier.kind == pb.IDENTIFIER_KIND_UNSPECIFIED:
            raise InvalidIdentifierError(f"identifier {identifier.value!r} has no kind")
        name = pb.IdentifierKind.Name(identifier.kind).removeprefix("IDENTIFIER_KIND_").lower()
        identifiers.append(Identifier(name, identifier.value))
    return Party(
        party_id=message.party_id,
        kind=kind,
        display_name=message.display_name,
        identifiers=tuple(identifiers),
        postal_addresses=tuple(message.postal_addresses),
        given_name=message.given_name,
        family_name=message.family_name,
        birth_date=message.birth_date,
    )


def change_from_message(message: pb.ImportPartiesRequest, party: Party) -> PartyChange:
    """The CRM change a message carries, for ``party`` (already read and normalised)."""
    change_time = from_timestamp(message.change_time, present=message.HasField("change_time"))
    return PartyChange(_ACTIONS.get(message.action, ChangeAction.UPSERT), party, change_time)


def evidence_messages(party_id: str, evidence: Iterable[FieldEvidence]) -> list[pb.Evidence]:
    """The protobuf form of one party's evidence."""
    kinds = {kind.value: KINDS[kind] for kind in IdentifierKind}
    return [
        pb.Evidence(
            kind=kinds.get(e.field, pb.IDENTIFIER_KIND_UNSPECIFIED),
            value=e.value,
            location=e.location,
            party_id=party_id,
            weight=e.weight,
            field=e.field,
            found=e.found,
            similarity=e.similarity,
        )
        for e in evidence
    ]


def note_message(party_id: str, request_id: str, note: EnrichmentNote) -> pb.Enrichment:
    """The protobuf form of an enrichment caused by a resolution or confirmation."""
    return pb.Enrichment(
        enrichment_id=note.enrichment_id,
        party_id=party_id,
        identifier=pb.Identifier(
            kind=KINDS[IdentifierKind(note.kind)],
            value=note.value,
            source=pb.IDENTIFIER_SOURCE_ENRICHMENT,
        ),
        request_id=request_id,
        confidence=note.confidence,
        state=ENRICHMENT_STATES[EnrichmentState(note.state)],
    )


def resolve_response(request_id: str, outcome: ResolveOutcome) -> pb.ResolvePartyResponse:
    """The protobuf form of a resolution."""
    shown: Iterable[Candidate] = (
        outcome.candidates[:1] if outcome.decision is Decision.IDENTIFIED else outcome.candidates
    )
    return pb.ResolvePartyResponse(
        decision=DECISIONS[outcome.decision],
        party_id=outcome.party_id,
        confidence=outcome.confidence,
        evidence=[m for c in shown for m in evidence_messages(c.party_id, c.evidence)],
        candidates=[
            pb.Candidate(party_id=c.party_id, confidence=c.confidence, weight=c.weight)
            for c in outcome.candidates
        ],
        found_identifiers=[
            pb.FoundIdentifier(
                kind=KINDS[f.kind],
                value=f.value,
                location=f.location,
                raw=f.raw,
                repaired=f.repaired,
            )
            for f in outcome.found
        ],
        enrichments=[note_message(outcome.party_id, request_id, n) for n in outcome.enrichments],
    )


def enrichment_message(enrichment: Enrichment) -> pb.Enrichment:
    """The protobuf form of an audit entry."""
    return pb.Enrichment(
        enrichment_id=enrichment.enrichment_id,
        party_id=enrichment.party_id,
        identifier=pb.Identifier(
            kind=KINDS[IdentifierKind(enrichment.kind)],
            value=enrichment.value,
            source=pb.IDENTIFIER_SOURCE_ENRICHMENT,
        ),
        request_id=enrichment.request_id,
        confidence=enrichment.confidence,
        state=ENRICHMENT_STATES[enrichment.state],
        created_by=enrichment.created_by,
        create_time=to_timestamp(enrichment.create_time),
        decided_by=enrichment.decided_by,
        decide_time=to_timestamp(enrichment.decide_time),
        note=enrichment.note,
    )
