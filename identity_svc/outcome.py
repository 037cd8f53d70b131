"""What a resolution answers, and the record of it kept per request (plain JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity_svc.extraction import FoundIdentifier
from identity_svc.identifiers import IdentifierKind
from identity_svc.matching import Candidate, Decision
from identity_svc.scoring import FieldEvidence


@dataclass(frozen=True)
class EnrichmentNote:
    """An identifier the resolution added to (or proposed for) the identified party."""

    enrichment_id: str
    kind: str
    value: str
    confidence: float
    state: str


@dataclass(frozen=True)
class ResolveOutcome:
    """The decision, party, confidence, ranked candidates with their evidence, the identifiers
    found (typed by the referential where it knows them) and the enrichment it caused."""

    decision: Decision
    party_id: str
    confidence: float
    candidates: tuple[Candidate, ...]
    found: tuple[FoundIdentifier, ...]
    enrichments: tuple[EnrichmentNote, ...] = ()


def to_record(outcome: ResolveOutcome) -> dict[str, Any]:
    """The JSON-compatible record of ``outcome``."""
    return {
        "decision": outcome.decision.value,
        "party_id": outcome.party_id,
        "confidence": outcome.confidence,
        "candidates": [
            {
                "party_id": c.party_id,
                "confidence": c.confidence,
                "weight": c.weight,
                "evidence": [_evidence_record(e) for e in c.evidence],
            }
            for c in outcome.candidates
        ],
        "found": [
            {
                "kind": f.kind.value,
                "value": f.value,
                "location": f.location,
                "raw": f.raw,
                "start": f.start,
                "repaired": f.repaired,
            }
            for f in outcome.found
        ],
        "enrichments": [enrichment_record(e) for e in outcome.enrichments],
    }


def enrichment_record(note: EnrichmentNote) -> dict[str, Any]:
    """The JSON-compatible record of an enrichment note."""
    return {
        "enrichment_id": note.enrichment_id,
        "kind": note.kind,
        "value": note.value,
        "confidence": note.confidence,
        "state": note.state,
    }


def from_record(record: dict[str, Any]) -> ResolveOutcome:
    """The outcome a record keeps."""
    return ResolveOutcome(
        decision=Decision(record["decision"]),
        party_id=record["party_id"],
        confidence=float(record["confidence"]),
        candidates=tuple(
            Candidate(
                c["party_id"],
                float(c["confidence"]),
                float(c["weight"]),
                tuple(FieldEvidence(**e) for e in c["evidence"]),
            )
            for c in record["candidates"]
        ),
        found=tuple(
            FoundIdentifier(
                IdentifierKind(f["kind"]),
                f["value"],
                f["location"],
                f["raw"],
                int(f["start"]),
                bool(f["repaired"]),
            )
            for f in record["found"]
        ),
        enrichments=tuple(EnrichmentNote(**e) for e in record.get("enrichments", ())),
    )


def _evidence_record(evidence: FieldEvidence) -> dict[str, Any]:
    return {
        "field": evidence.field,
        "value": evidence.value,
        "found": evidence.found,
        "location": evidence.location,
        "similarity": evidence.similarity,
        "weight": evidence.weight,
    }
