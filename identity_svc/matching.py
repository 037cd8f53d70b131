"""Deciding who sent a request from the identifiers found in it.

Each identifier that the referential knows is evidence for the parties holding it, weighted by
what it is and where it was found (a sender address is stronger than an address quoted in a
body; a customer number is strong anywhere). An identifier shared by several parties (a family
phone) splits its weight between them. A party's confidence combines its independent evidence
as ``1 - Π(1 - w)``. The best party is identified when its confidence reaches the threshold and
no other party comes within the margin; two strong candidates make the decision ambiguous;
nothing strong enough makes it unknown. The confidence reported is the best party's, whatever
the decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from identity_svc.extraction import FoundIdentifier
from identity_svc.identifiers import IdentifierKind

SENDER_WEIGHTS = {IdentifierKind.EMAIL: 0.95, IdentifierKind.PHONE: 0.9}
CONTENT_WEIGHTS = {
    IdentifierKind.CUSTOMER_NUMBER: 0.9,
    IdentifierKind.CONTRACT_NUMBER: 0.85,
    IdentifierKind.IBAN: 0.85,
    IdentifierKind.EMAIL: 0.7,
    IdentifierKind.PHONE: 0.7,
}


def found_kinds(found: Sequence[FoundIdentifier], holders: Holders) -> list[FoundIdentifier]:
    """The identifiers found, each number-like token given the kind the referential knows it
    under (customer or contract number), or left a plain reference when unknown."""
    typed = []
    for found_identifier in found:
        identifier = found_identifier
        if identifier.kind is IdentifierKind.REFERENCE:
            kinds = {
                kind
                for _, kind in holders.get(identifier.value, ())
                if _compatible(identifier.kind, kind)
            }
            if len(kinds) == 1:
                identifier = replace(identifier, kind=kinds.pop())
        typed.append(identifier)
    return typed


class Decision(StrEnum):
    """The outcome of a resolution."""

    IDENTIFIED = "identified"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Thresholds:
    """Confidence needed to identify, and the lead the best party needs over the second."""

    identify: float = 0.75
    margin: float = 0.15


@dataclass(frozen=True)
class Evidence:
    """One known identifier pointing at a party, with its weight."""

    kind: IdentifierKind
    value: str
    location: str
    party_id: str
    weight: float


@dataclass(frozen=True)
class Resolution:
    """The decision, the party, the confidence, the evidence and the ranked candidates."""

    decision: Decision
    party_id: str
    confidence: float
    evidence: tuple[Evidence, ...]
    candidates: tuple[tuple[str, float], ...]


Holders = Mapping[str, Sequence[tuple[str, IdentifierKind]]]
"""For a canonical value: the (party id, identifier kind) pairs that hold it."""


def decide(
    found: Sequence[FoundIdentifier], holders: Holders, thresholds: Thresholds
) -> Resolution:
    """The resolution for identifiers ``found`` in a request, given who ``holders`` them."""
    evidence: list[Evidence] = []
    for identifier in found:
        owners = [
            (party_id, kind)
            for party_id, kind in holders.get(identifier.value, ())
            if _compatible(identifier.kind, kind)
        ]
        parties = {party_id for party_id, _ in owners}
        for party_id, kind in owners:
            table = SENDER_WEIGHTS if identifier.location == "sender" else CONTENT_WEIGHTS
            weight = table.get(kind, CONTENT_WEIGHTS.get(kind, 0.5)) / len(parties)
            evidence.append(Evidence(kind, identifier.value, identifier.location, party_id, weight))
    doubt: dict[str, float] = defaultdict(lambda: 1.0)
    counted: set[tuple[str, str, str]] = set()
    for item in sorted(evidence, key=lambda e: -e.weight):
        key = (item.party_id, item.kind.value, item.value)
        if key in counted:
            # The same identifier quoted twice (subject and body) is one piece of evidence.
            continue
        counted.add(key)
        doubt[item.party_id] *= 1.0 - item.weight
    ranked = sorted(((party, 1.0 - d) for party, d in doubt.items()), key=lambda c: (-c[1], c[0]))
    if not ranked or ranked[0][1] < thresholds.identify:
        best = ranked[0][1] if ranked else 0.0
        return Resolution(Decision.UNKNOWN, "", best, tuple(evidence), tuple(ranked[:5]))
    best_party, best_confidence = ranked[0]
    if len(ranked) > 1 and ranked[1][1] > best_confidence - thresholds.margin:
        return Resolution(
            Decision.AMBIGUOUS, "", best_confidence, tuple(evidence), tuple(ranked[:5])
        )
    kept = tuple(e for e in evidence if e.party_id == best_party)
    return Resolution(Decision.IDENTIFIED, best_party, best_confidence, kept, tuple(ranked[:5]))


def _compatible(found: IdentifierKind, held: IdentifierKind) -> bool:
    """Whether a value found as ``found`` may match an identifier held as ``held``.

    Number-like tokens are extracted without knowing whether they are customer or contract
    numbers; the referential says which.
    """
    if found is IdentifierKind.REFERENCE:
        return held in (IdentifierKind.CUSTOMER_NUMBER, IdentifierKind.CONTRACT_NUMBER)
    return found is held
