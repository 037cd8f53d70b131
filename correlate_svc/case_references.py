"""Case references: a request that names a case, and whether it may join that case.

A customer writing about a case quotes its id (the reference the acknowledgement gave) in the
subject or the body, or the channel knows which message it answers (the In-Reply-To of a message
the CRM sent). A reference alone never decides: a case id is a string anyone can copy, forward or
quote in a complaint about someone else. A referenced case is joined when its party is the
request's; when either party is unknown, only if the request's content agrees with one of the
case's requests (a shared reference or attachment, a date or amount in common, or a content
similarity of at least ``CONTENT_EVIDENCE``) — time and category alone are not evidence; a case
of another party is never joined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from correlate_svc.decision import RequestFacts, Scored, Thresholds, Weights, score

CASE_ID = re.compile(r"\bcase-[0-9a-hjkmnp-tv-z]{26}\b", re.IGNORECASE)
"""A case id as ``chassis.identifiers.new_id("case-")`` makes them (Crockford base 32)."""
CONTENT_EVIDENCE = 0.5
"""Content similarity from which two texts say the same thing (about half their words)."""


def case_references(given: Sequence[str], subject: str, text: str) -> tuple[str, ...]:
    """The case ids ``given`` by the channel, then those written in ``subject`` and ``text``,
    in lower case, each once."""
    found = [reference.strip().lower() for reference in given if reference.strip()]
    found += [match.lower() for match in CASE_ID.findall(f"{subject}\n{text}")]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class FollowUp:
    """Whether a request joins a case it references, the case's request it matches best, and
    why (or why not)."""

    joins: bool
    best: Scored | None
    explanation: str


def follow_up(
    new: RequestFacts,
    case_id: str,
    case_party: str,
    case_requests: Sequence[RequestFacts],
    *,
    weights: Weights,
    thresholds: Thresholds,
) -> FollowUp:
    """Decides whether ``new``, which references ``case_id``, joins it (see the module)."""
    if new.party_id and case_party and new.party_id != case_party:
        return FollowUp(
            False, None, f"case reference {case_id} ignored: the case is another party's"
        )
    scored = sorted(
        (score(new, request, weights, thresholds.window) for request in case_requests),
        key=lambda s: (-s.score, s.candidate.request_id),
    )
    best = scored[0] if scored else None
    if new.party_id and new.party_id == case_party:
        return FollowUp(True, best, f"follows up case {case_id}, which it references (same party)")
    agreeing = [
        s for s in scored if s.shared or s.signals.agreeing or s.signals.content >= CONTENT_EVIDENCE
    ]
    if not agreeing:
        return FollowUp(
            False,
            None,
            f"case reference {case_id} not followed: the sender or the case's party is unknown "
            "and nothing else in the request agrees with the case",
        )
    evidence = agreeing[0]
    if evidence.shared:
        because = "shared " + ", ".join(evidence.shared)
    elif evidence.signals.agreeing:
        because = "both give " + ", ".join(evidence.signals.agreeing)
    else:
        because = f"content similarity {evidence.content:.2f} with {evidence.candidate.request_id}"
    return FollowUp(True, evidence, f"follows up case {case_id}, which it references ({because})")
