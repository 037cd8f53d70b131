"""The Fellegi–Sunter weights of every comparison, and the prior they start from.

Each comparison of a request with a candidate party ends in a *level* (agrees exactly, agrees
closely, disagrees, says nothing). A level's weight is ``log2(m / u)``: ``m`` is the chance of
that level when the party is the sender, ``u`` its chance when the party is someone else. The
weights of independent comparisons add up, and with the prior (the sender is one of N parties,
or nobody in the referential) they give each candidate's odds of being the sender.

``m`` values are set here from what the fields' errors are (typing, OCR, people moving house,
writing from a new address); they are the model's assumptions, in one place.

``u`` values of names, postcodes, streets, towns and dates of birth are *measured*: the share of
the referential holding that very value (``Frequencies``), so that agreeing on a rare family
name weighs more than agreeing on a frequent one (term-frequency adjustment, as Splink does).
A close (fuzzy) agreement is ``CLOSE_SPREAD`` times likelier by chance than an exact one.

``u`` values of identifiers are fixed: a random person does not hold someone else's email
address, customer number or IBAN, save for mistakes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from identity_svc.identifiers import IdentifierKind

P_SENDER_KNOWN = 0.5
"""Prior chance that the sender of a request is in the referential at all."""
CLOSE_SPREAD = 10.0
"""How much likelier a close (fuzzy) agreement is by chance than an exact one."""
MIN_POPULATION = 1000
"""Values are taken as drawn from at least this many people: in a referential of a handful of
parties, a name's share of it says nothing of how common the name is."""
MAX_BITS = 40.0
"""No single comparison weighs more than this (keeps the arithmetic finite)."""


@dataclass(frozen=True)
class Level:
    """A comparison level's ``m`` (chance when it is the party) and ``u`` (chance otherwise,
    when fixed; None when measured in the referential)."""

    m: float
    u: float | None = None


# Names: most people write their family name as registered; given names are shortened
# ("Tom" for "Thomas") or left out more often.
FAMILY_EXACT = Level(0.88)
FAMILY_CLOSE = Level(0.08)
FAMILY_MISSING = Level(0.04, 0.96)
"""The request declares a name, and the party's family name is not in it."""
GIVEN_EXACT = Level(0.75)
GIVEN_CLOSE = Level(0.12)
GIVEN_INITIAL = Level(0.08, 1 / 20)
ORGANISATION_WORD_EXACT = Level(0.85)
ORGANISATION_WORD_CLOSE = Level(0.08)
ORGANISATION_WORD_MISSING = Level(0.5, 1.0)
ORGANISATION_MISSING_FLOOR_BITS = -3.0
"""Organisation names are shortened a lot: missing words cost at most this much together."""
NAME_EXTRA_WORD_SHARE = 0.25
"""Words of one name are not independent: the strongest count fully, the others this share."""
PERSON_FULL_WORDS = 2
"""A given and a family name are nearly independent."""
ORGANISATION_FULL_WORDS = 1
"""An organisation's words come together (sister sites share all but one or two)."""

# Addresses: people move; a letter carries other addresses (the recipient's) too, so an
# address of the party not found in the request is no evidence against it.
POSTCODE = Level(0.85)
STREET_EXACT = Level(0.8)
STREET_CLOSE = Level(0.08)
TOWN = Level(0.8)
STREET_CONFLICT = Level(0.2, 0.95)
"""The request has street lines and none is the party's: it moved, writes from elsewhere, or
the line is the recipient's; or it is someone else (another site of the same organisation)."""
POSTCODE_BESIDE_STREET_BITS = 2.0
"""A postcode agreeing beside an agreeing street says little more: at most this."""

# Dates of birth: typed wrong now and then (a digit, day and month swapped).
BIRTH_EXACT = Level(0.9)
BIRTH_NEAR = Level(0.05, 0.002)
BIRTH_CONFLICT = Level(0.05, 0.95)
"""The request gives a date of birth, and it is not the party's."""

SENDER_IDENTIFIER = {
    IdentifierKind.EMAIL: Level(0.9, 1e-7),
    IdentifierKind.PHONE: Level(0.9, 1e-6),
}
CONTENT_IDENTIFIER = {
    IdentifierKind.EMAIL: Level(0.5, 1e-5),
    IdentifierKind.PHONE: Level(0.5, 1e-5),
    IdentifierKind.CUSTOMER_NUMBER: Level(0.9, 1e-7),
    IdentifierKind.CONTRACT_NUMBER: Level(0.9, 1e-6),
    IdentifierKind.IBAN: Level(0.9, 1e-7),
}
REPAIRED_SPREAD = 100.0
"""An identifier read only after undoing OCR confusions is this much likelier by chance."""
SENDER_NOT_HELD = Level(0.3, 1.0)
"""The sender's address or number is not one the party has (people write from new ones)."""
CONFIRMED_HANDLE = Level(0.95, 1e-7)
"""The sender handle was confirmed for this party on an earlier request."""


def bits(level: Level, u: float | None = None) -> float:
    """The weight of ``level``, with ``u`` measured when the level has none fixed."""
    chance = level.u if level.u is not None else u
    if chance is None:
        raise ValueError("a measured level needs its u")
    return max(-MAX_BITS, min(MAX_BITS, math.log2(level.m / max(chance, 1e-12))))


class Frequencies:
    """How many of the referential's ``parties`` hold each value (by frequency key), counted
    by ``count`` when first asked (only agreements are weighed, so few keys are)."""

    def __init__(self, count: Callable[[str], int], parties: int) -> None:
        self._count = count
        self._counts: dict[str, int] = {}
        self.parties = parties

    def u(self, key: str, spread: float = 1.0) -> float:
        """The chance that a party other than the sender holds the value of ``key``: its share
        of the referential, counting the sender's own (add-one), times ``spread``."""
        if key not in self._counts:
            self._counts[key] = self._count(key)
        share = (self._counts[key] + 1) / (max(self.parties, MIN_POPULATION) + 1)
        return min(1.0, share * spread)

    def prior_bits(self) -> float:
        """The log2 odds, before any comparison, that one given party is the sender."""
        return math.log2(P_SENDER_KNOWN / max(self.parties, 1))
