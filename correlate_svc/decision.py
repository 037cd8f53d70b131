"""Duplicate, related or new: scoring a new request against its candidates.

The score of a candidate combines, with weights documented in ``Weights``:

- content similarity (``similarity.cosine``), in [0, 1];
- a shared reference (contract, claim, invoice number) or a shared attachment;
- the same category;
- closeness in time (1 on the same day, 0 at the end of the window).

Only a candidate that can be the same demand is *eligible*: the same party, or, when either
party is unknown, a shared reference or attachment (another customer's reference alone never
makes a duplicate). An eligible candidate at or above ``duplicate`` is the same demand (when the
categories do not contradict each other); at or above ``related`` it is about the same matter;
below, the request opens a new case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from correlate_svc.similarity import cosine, term_vector


class Decision(StrEnum):
    """The outcome of a correlation."""

    DUPLICATE = "duplicate"
    RELATED = "related"
    NEW = "new"


@dataclass(frozen=True)
class Weights:
    """How much each signal counts in a candidate's score (they sum to 1)."""

    content: float = 0.45
    shared_reference: float = 0.30
    same_category: float = 0.15
    time: float = 0.10


@dataclass(frozen=True)
class Thresholds:
    """Scores from which a candidate is a duplicate or related, and the time window."""

    duplicate: float = 0.60
    related: float = 0.35
    window: timedelta = timedelta(days=60)


@dataclass(frozen=True)
class RequestFacts:
    """What correlation knows of a request (the new one or a candidate)."""

    request_id: str
    party_id: str
    category: str
    channel: str
    subject: str
    text: str
    sent_time: datetime
    references: frozenset[str]
    attachment_sha256s: frozenset[str]
    case_id: str = ""


@dataclass(frozen=True)
class Scored:
    """A candidate, its score and the signals behind it."""

    candidate: RequestFacts
    score: float
    eligible: bool
    content: float
    shared: tuple[str, ...]
    same_category: bool
    days_apart: float


@dataclass(frozen=True)
class Outcome:
    """The decision, the candidate it points at (if any), its score and an explanation."""

    decision: Decision
    matched: RequestFacts | None
    score: float
    explanation: str


def score(
    new: RequestFacts, candidate: RequestFacts, weights: Weights, window: timedelta
) -> Scored:
    """Scores ``candidate`` as the same demand as ``new``."""
    content = cosine(
        term_vector(f"{new.subject}\n{new.text}"),
        term_vector(f"{candidate.subject}\n{candidate.text}"),
    )
    shared = tuple(
        sorted(new.references & candidate.references)
        + sorted(
            f"attachment {h[:12]}" for h in new.attachment_sha256s & candidate.attachment_sha256s
        )
    )
    same_category = bool(new.category) and new.category == candidate.category
    days = abs((new.sent_time - candidate.sent_time).total_seconds()) / 86400.0
    closeness = max(0.0, 1.0 - days / max(window.total_seconds() / 86400.0, 1.0))
    total = (
        weights.content * content
        + weights.shared_reference * (1.0 if shared else 0.0)
        + weights.same_category * (1.0 if same_category else 0.0)
        + weights.time * closeness
    )
    same_party = bool(new.party_id) and new.party_id == candidate.party_id
    unknown_party = not new.party_id or not candidate.party_id
    eligible = same_party or (unknown_party and bool(shared))
    return Scored(candidate, total, eligible, content, shared, same_category, days)


def decide(
    new: RequestFacts,
    candidates: Sequence[RequestFacts],
    weights: Weights,
    thresholds: Thresholds,
) -> Outcome:
    """The decision for ``new`` among ``candidates`` (already limited to open, recent cases)."""
    scored = sorted(
        (
            score(new, c, weights, thresholds.window)
            for c in candidates
            if c.request_id != new.request_id
        ),
        key=lambda s: (-s.score, s.candidate.request_id),
    )
    eligible = [s for s in scored if s.eligible]
    if not eligible:
        reason = (
            f"no open request of party {new.party_id} in the window"
            if new.party_id
            else "sender unknown and no shared reference or attachment with an open request"
        )
        return Outcome(Decision.NEW, None, 0.0, f"new case: {reason}")
    duplicates = [
        s
        for s in eligible
        if s.score >= thresholds.duplicate
        and (s.same_category or not new.category or not s.candidate.category)
    ]
    if duplicates:
        match = duplicates[0]
        return Outcome(
            Decision.DUPLICATE, match.candidate, match.score, _explain("duplicate of", match)
        )
    best = eligible[0]
    if best.score >= thresholds.related or best.shared:
        return Outcome(Decision.RELATED, best.candidate, best.score, _explain("related to", best))
    return Outcome(
        Decision.NEW,
        None,
        best.score,
        f"new case: closest open request {best.candidate.request_id} scored {best.score:.2f}, "
        f"below {thresholds.related:.2f}",
    )


def _explain(relation: str, best: Scored) -> str:
    parts = [f"content similarity {best.content:.2f}"]
    if best.shared:
        parts.append("shared " + ", ".join(best.shared))
    if best.same_category:
        parts.append(f"same category {best.candidate.category}")
    parts.append(
        f"its {best.candidate.channel or 'request'} of {best.candidate.sent_time:%Y-%m-%d}, "
        f"{best.days_apart:.0f} days apart"
    )
    return (
        f"{relation} {best.candidate.request_id} (case {best.candidate.case_id}), "
        f"score {best.score:.2f}: " + "; ".join(parts)
    )
