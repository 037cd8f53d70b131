"""Deciding who sent a request from its candidates' scores.

Each candidate's weight (the sum of its evidence, ``scoring``) plus the prior gives its odds of
being the sender. Candidates exclude one another, and the sender may be nobody in the
referential, so a candidate's confidence is ``odds / (1 + Σ odds)`` over all candidates: two
parties that fit equally well share the confidence, and neither is identified.

- identified: the best candidate's confidence reaches the threshold;
- ambiguous: no candidate does alone, but the top candidates together do (it is one of them);
- unknown: otherwise.

The confidence reported is the best candidate's, whatever the decision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from identity_svc.scoring import CandidateScore, FieldEvidence

TOP_CANDIDATES = 5


class Decision(StrEnum):
    """The outcome of a resolution."""

    IDENTIFIED = "identified"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Thresholds:
    """Confidence needed to identify a party (or, for the top candidates together, to call the
    request ambiguous rather than unknown)."""

    identify: float = 0.9


@dataclass(frozen=True)
class Candidate:
    """A candidate party with its confidence and the evidence behind it."""

    party_id: str
    confidence: float
    weight: float
    evidence: tuple[FieldEvidence, ...]


@dataclass(frozen=True)
class Resolution:
    """The decision, the party (when identified), the confidence, and the ranked candidates
    (at most ``TOP_CANDIDATES``) with their evidence."""

    decision: Decision
    party_id: str
    confidence: float
    candidates: tuple[Candidate, ...]

    @property
    def evidence(self) -> tuple[FieldEvidence, ...]:
        """The evidence for the identified party, or for the best candidate."""
        return self.candidates[0].evidence if self.candidates else ()


def rank(scores: Sequence[CandidateScore], prior_bits: float) -> list[Candidate]:
    """Every candidate with its confidence, best first."""
    if not scores:
        return []
    logits = [(prior_bits + s.weight) * math.log(2) for s in scores]
    # log(1 + Σ exp(logit)), computed without overflow.
    top = max(0.0, *logits)
    normaliser = top + math.log(math.exp(-top) + sum(math.exp(x - top) for x in logits))
    return sorted(
        (
            Candidate(s.party_id, math.exp(logit - normaliser), s.weight, s.evidence)
            for s, logit in zip(scores, logits, strict=True)
        ),
        key=lambda c: (-c.confidence, c.party_id),
    )


def decide(
    scores: Sequence[CandidateScore], prior_bits: float, thresholds: Thresholds
) -> Resolution:
    """The resolution given each candidate's score and the prior log2 odds of one party."""
    ranked = rank(scores, prior_bits)[:TOP_CANDIDATES]
    if not ranked:
        return Resolution(Decision.UNKNOWN, "", 0.0, ())
    best = ranked[0]
    if best.confidence >= thresholds.identify:
        return Resolution(Decision.IDENTIFIED, best.party_id, best.confidence, tuple(ranked))
    if sum(c.confidence for c in ranked) >= thresholds.identify:
        return Resolution(Decision.AMBIGUOUS, "", best.confidence, tuple(ranked))
    return Resolution(Decision.UNKNOWN, "", best.confidence, tuple(ranked))
