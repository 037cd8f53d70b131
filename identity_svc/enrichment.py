"""Enrichment: the emails and phone numbers a request shows for its identified sender.

An email address or phone number found in an identified request, that the party does not hold
and no other party holds, is offered to the party with a confidence: the resolution's
confidence times the chance that the identifier is the sender's own (``OWNERSHIP``: the handle
the request came from is; a number quoted in the body may be anybody's). At or above
``apply_at`` it is added at once; below, it is proposed for a person to accept or reject. Either
way the audit keeps who, when and from which request, and an added identifier can be reverted.
Enrichment only ever adds: it never replaces or removes what the CRM says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from identity_svc.extraction import FoundIdentifier
from identity_svc.identifiers import IdentifierKind
from identity_svc.referential import Party

ENRICHED_KINDS = (IdentifierKind.EMAIL, IdentifierKind.PHONE)
OWNERSHIP_OF_SENDER = 1.0
OWNERSHIP_IN_TEXT = 0.7
OWNERSHIP_REPAIRED = 0.8
"""An identifier read only after undoing OCR confusions may still be misread."""


class EnrichmentState(StrEnum):
    """Where an enrichment stands."""

    PROPOSED = "proposed"
    APPLIED = "applied"
    REJECTED = "rejected"
    REVERTED = "reverted"


@dataclass(frozen=True)
class EnrichmentPolicy:
    """Confidence at or above which an identifier is added without asking."""

    apply_at: float = 0.97


@dataclass(frozen=True)
class Offer:
    """An identifier offered to a party, with its confidence."""

    kind: IdentifierKind
    value: str
    confidence: float


def offers(
    party: Party,
    confidence: float,
    found: Sequence[FoundIdentifier],
    held_elsewhere: set[str],
) -> list[Offer]:
    """The identifiers ``found`` in a request identified as ``party`` with ``confidence`` that
    are new to it and held by no other party (``held_elsewhere``), best first."""
    held = {value for _, value, _ in party.identifiers}
    best: dict[tuple[IdentifierKind, str], float] = {}
    for identifier in found:
        if identifier.kind not in ENRICHED_KINDS or identifier.value in held:
            continue
        if identifier.value in held_elsewhere:
            continue
        ownership = OWNERSHIP_OF_SENDER if identifier.location == "sender" else OWNERSHIP_IN_TEXT
        if identifier.repaired:
            ownership *= OWNERSHIP_REPAIRED
        key = (identifier.kind, identifier.value)
        best[key] = max(best.get(key, 0.0), confidence * ownership)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return [Offer(kind, value, score) for (kind, value), score in ranked]
