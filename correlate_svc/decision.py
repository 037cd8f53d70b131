"""Duplicate, related or new: scoring a new request against its candidates.

The score of a candidate is the estimated probability that it is the same demand: a logistic
function of signals that do not depend on the search engine (so tantivy and OpenSearch give the
same decision), with the weights of ``Weights``:

- content similarity (``similarity.cosine`` of the texts), in [0, 1];
- a shared reference (contract, claim, invoice number) or attachment;
- agreeing facts: a date, an amount, a reference or an attachment this candidate shares with the
  new request and no other candidate does (a contract number every request of the customer
  quotes tells nothing; the invoice number only this one quotes does);
- conflicting facts: both give a date (an amount, an invoice number, a bare number…) and none
  in common;
- the same category, or two different ones (an abstaining classifier gives neither);
- closeness in time (1 on the same day, 0 at the end of the window);
- another channel (a customer sending the same demand again rarely uses the same one).

Only a candidate that can be the same demand is *eligible*: the same party, or, when either
party is unknown, a shared reference or attachment (another customer's reference alone never
makes a duplicate). The best eligible candidate at or above ``duplicate`` is the same demand; at
or above ``related`` it is about the same matter; below, the request opens a new case.

The default weights and thresholds were fitted on the training half of the labelled corpus of
``bench/correlate_quality.py`` (logistic regression on candidate pairs; thresholds maximising
F1 on that half). On its held-out half, through ``Ledger.correlate``: duplicate detection
precision 0.859, recall 0.903, F1 0.881 (exact attributes, same party and category: F1 0.745).
A shared reference weighs little on its own because a customer quotes their contract number in
most requests, whatever the matter: what counts is a fact only one candidate shares.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from correlate_svc.facts import facts_of, kind_of
from correlate_svc.similarity import cosine, term_vector

_REFERENCE_KIND = re.compile(r"[A-Z]*")


class Decision(StrEnum):
    """The outcome of a correlation."""

    DUPLICATE = "duplicate"
    RELATED = "related"
    NEW = "new"


@dataclass(frozen=True)
class Weights:
    """The logistic model of a candidate's score: ``bias`` plus each signal times its weight."""

    bias: float = -8.6
    content: float = 5.3
    shared_reference: float = -0.7
    agreeing_facts: float = 1.6
    conflicting_facts: float = -3.3
    same_category: float = 1.3
    other_category: float = -2.0
    time: float = 6.2
    other_channel: float = 2.2


@dataclass(frozen=True)
class Thresholds:
    """Scores from which a candidate is a duplicate or related, and the time window."""

    duplicate: float = 0.38
    related: float = 0.10
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
class Profile:
    """A request as the scoring compares it: its words, and its facts (dates, amounts,
    references and attachments as ``date:15/3``, ``amount:12.00``, ``ref:FAC123``, ``att:…``)."""

    request: RequestFacts
    terms: dict[str, float]
    facts: frozenset[str]


def profile_of(request: RequestFacts) -> Profile:
    """The profile of ``request``."""
    text = f"{request.subject}\n{request.text}"
    facts = (
        facts_of(text)
        | {f"ref:{reference}" for reference in request.references}
        | {f"att:{sha}" for sha in request.attachment_sha256s}
    )
    return Profile(request, term_vector(text), frozenset(facts))


@dataclass(frozen=True)
class Signals:
    """What the score of a candidate is made of."""

    content: float
    shared: tuple[str, ...]
    agreeing: tuple[str, ...]
    conflicting: tuple[str, ...]
    same_category: bool
    other_category: bool
    closeness: float
    other_channel: bool


@dataclass(frozen=True)
class Scored:
    """A candidate, its score and the signals behind it."""

    candidate: RequestFacts
    score: float
    eligible: bool
    signals: Signals
    days_apart: float

    @property
    def content(self) -> float:
        """Content similarity with the new request."""
        return self.signals.content

    @property
    def shared(self) -> tuple[str, ...]:
        """References and attachments shared with the new request."""
        return self.signals.shared

    @property
    def same_category(self) -> bool:
        """Whether both have the same category."""
        return self.signals.same_category


@dataclass(frozen=True)
class Outcome:
    """The decision, the candidate it points at (if any), its score and an explanation."""

    decision: Decision
    matched: RequestFacts | None
    score: float
    explanation: str


def signals(
    new: Profile, candidate: Profile, window: timedelta, elsewhere: frozenset[str] = frozenset()
) -> Signals:
    """The signals of ``candidate`` against ``new``; ``elsewhere`` holds the facts other
    candidates share with ``new`` (those do not single this one out)."""
    a, b = new.request, candidate.request
    shared = tuple(
        sorted(a.references & b.references)
        + sorted(f"attachment {h[:12]}" for h in a.attachment_sha256s & b.attachment_sha256s)
    )
    common = new.facts & candidate.facts
    agreeing = tuple(sorted(common - elsewhere))
    kinds_in_common = {_fact_kind(fact) for fact in common}
    conflicting = tuple(
        sorted(
            {_fact_kind(f) for f in new.facts - common}
            & {_fact_kind(f) for f in candidate.facts - common} - kinds_in_common - {"att"}
        )
    )
    days = abs((a.sent_time - b.sent_time).total_seconds()) / 86400.0
    return Signals(
        content=cosine(new.terms, candidate.terms),
        shared=shared,
        agreeing=agreeing,
        conflicting=conflicting,
        same_category=bool(a.category) and a.category == b.category,
        other_category=bool(a.category) and bool(b.category) and a.category != b.category,
        closeness=max(0.0, 1.0 - days / max(window.total_seconds() / 86400.0, 1.0)),
        other_channel=a.channel != b.channel,
    )


def probability(found: Signals, weights: Weights) -> float:
    """The score of a candidate with these signals, in [0, 1]."""
    logit = (
        weights.bias
        + weights.content * found.content
        + weights.shared_reference * bool(found.shared)
        + weights.agreeing_facts * bool(found.agreeing)
        + weights.conflicting_facts * bool(found.conflicting)
        + weights.same_category * found.same_category
        + weights.other_category * found.other_category
        + weights.time * found.closeness
        + weights.other_channel * found.other_channel
    )
    return 1.0 / (1.0 + math.exp(-logit))


def score(
    new: RequestFacts,
    candidate: RequestFacts,
    weights: Weights,
    window: timedelta,
    elsewhere: frozenset[str] = frozenset(),
) -> Scored:
    """Scores ``candidate`` as the same demand as ``new``."""
    return _scored(profile_of(new), profile_of(candidate), weights, window, elsewhere)


def score_candidates(
    new: RequestFacts, candidates: Sequence[RequestFacts], weights: Weights, window: timedelta
) -> list[Scored]:
    """Every candidate (but ``new`` itself) scored against ``new``, best first."""
    mine = profile_of(new)
    theirs = [profile_of(c) for c in candidates if c.request_id != new.request_id]
    holders = Counter(fact for p in theirs for fact in p.facts & mine.facts)
    return sorted(
        (
            _scored(
                mine,
                profile,
                weights,
                window,
                frozenset(f for f in profile.facts & mine.facts if holders[f] > 1),
            )
            for profile in theirs
        ),
        key=lambda s: (-s.score, s.candidate.request_id),
    )


def decide(
    new: RequestFacts,
    candidates: Sequence[RequestFacts],
    weights: Weights,
    thresholds: Thresholds,
) -> Outcome:
    """The decision for ``new`` among ``candidates`` (already limited to open, recent cases)."""
    scored = score_candidates(new, candidates, weights, thresholds.window)
    eligible = [s for s in scored if s.eligible]
    if not eligible:
        reason = (
            f"no open request of party {new.party_id} in the window"
            if new.party_id
            else "sender unknown and no shared reference or attachment with an open request"
        )
        return Outcome(Decision.NEW, None, 0.0, f"new case: {reason}")
    best = eligible[0]
    if best.score >= thresholds.duplicate:
        return Outcome(
            Decision.DUPLICATE, best.candidate, best.score, _explain("duplicate of", best)
        )
    if best.score >= thresholds.related:
        return Outcome(Decision.RELATED, best.candidate, best.score, _explain("related to", best))
    return Outcome(
        Decision.NEW,
        None,
        best.score,
        f"new case: closest open request {best.candidate.request_id} scored {best.score:.2f}, "
        f"below {thresholds.related:.2f}",
    )


def _scored(
    new: Profile,
    candidate: Profile,
    weights: Weights,
    window: timedelta,
    elsewhere: frozenset[str],
) -> Scored:
    found = signals(new, candidate, window, elsewhere)
    a, b = new.request, candidate.request
    same_party = bool(a.party_id) and a.party_id == b.party_id
    unknown_party = not a.party_id or not b.party_id
    eligible = same_party or (unknown_party and bool(found.shared))
    days = abs((a.sent_time - b.sent_time).total_seconds()) / 86400.0
    return Scored(b, probability(found, weights), eligible, found, days)


def _fact_kind(fact: str) -> str:
    """``date``, ``amount``, ``att``, or ``ref:<letters>`` (``ref:FAC`` for ``ref:FAC123``): two
    references conflict only when they are of the same kind."""
    kind = kind_of(fact)
    if kind != "ref":
        return kind
    letters = _REFERENCE_KIND.match(fact[4:])
    return "ref:" + (letters.group() if letters else "")


def _explain(relation: str, best: Scored) -> str:
    found = best.signals
    parts = [f"content similarity {found.content:.2f}"]
    if found.shared:
        parts.append("shared " + ", ".join(found.shared))
    if found.agreeing:
        parts.append("only they agree on " + ", ".join(found.agreeing))
    if found.conflicting:
        parts.append("they differ on " + ", ".join(found.conflicting))
    if found.same_category:
        parts.append(f"same category {best.candidate.category}")
    elif found.other_category:
        parts.append(f"other category {best.candidate.category}")
    parts.append(
        f"its {best.candidate.channel or 'request'} of {best.candidate.sent_time:%Y-%m-%d}, "
        f"{best.days_apart:.0f} days apart"
    )
    return (
        f"{relation} {best.candidate.request_id} (case {best.candidate.case_id}), "
        f"score {best.score:.2f}: " + "; ".join(parts)
    )
