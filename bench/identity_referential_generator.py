"""A synthetic customer referential and requests about its parties, for the speed benchmark.

Seeded: the same size and seed give the same parties. Names, streets and towns are drawn from
pools with a Zipf-like skew (a few frequent names, a long tail), as real referentials are, so
that frequent names cost what they cost in production.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from identity_svc.extraction import RequestText
from identity_svc.referential import Identifier, Party, PartyKind
from identity_svc.request_features import Request

GIVEN = [
    "jean",
    "marie",
    "pierre",
    "anne",
    "michel",
    "sophie",
    "nicolas",
    "isabelle",
    "philippe",
    "catherine",
    "david",
    "nathalie",
    "thomas",
    "julie",
    "laurent",
    "sarah",
    "olivier",
    "claire",
    "eric",
    "emma",
    "paul",
    "lucie",
    "james",
    "oliver",
    "amelia",
    "george",
    "harry",
    "isla",
    "jack",
    "ava",
    "noah",
    "mia",
    "leo",
    "chloe",
    "hugo",
    "ines",
    "louis",
    "manon",
    "arthur",
    "lea",
    "jules",
    "camille",
]
FAMILY_STEMS = [
    "martin",
    "bernard",
    "dubois",
    "durand",
    "lefebvre",
    "leroy",
    "moreau",
    "simon",
    "laurent",
    "lefevre",
    "michel",
    "garcia",
    "david",
    "bertrand",
    "roux",
    "vincent",
    "fournier",
    "morel",
    "girard",
    "andre",
    "mercier",
    "dupont",
    "lambert",
    "bonnet",
    "francois",
    "martinez",
    "legrand",
    "garnier",
    "faure",
    "rousseau",
    "blanc",
    "guerin",
    "muller",
    "henry",
    "roussel",
    "nicolas",
    "perrin",
    "morin",
    "mathieu",
    "clement",
    "gauthier",
    "dumont",
    "lopez",
    "fontaine",
    "chevalier",
    "robin",
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "robinson",
    "wright",
    "thompson",
    "evans",
]
SUFFIXES = ("", "", "", "in", "ot", "et", "eau", "ard", "ier", "on", "and", "ley", "son")
STREETS = [
    "ecoles",
    "gare",
    "republique",
    "paix",
    "eglise",
    "mairie",
    "moulin",
    "fontaine",
    "chateau",
    "tilleuls",
    "lilas",
    "peupliers",
    "baker",
    "church",
    "station",
    "victoria",
    "high",
    "mill",
    "park",
    "green",
    "king",
    "queen",
]
TOWNS = [
    "vannes",
    "paris",
    "lyon",
    "marseille",
    "nantes",
    "rennes",
    "lille",
    "bordeaux",
    "toulouse",
    "nice",
    "brest",
    "quimper",
    "london",
    "leeds",
    "york",
    "bristol",
]


def _skewed(rng: random.Random, pool: list[str] | tuple[str, ...]) -> str:
    return pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)]


def parties(count: int, seed: int = 11) -> Iterator[Party]:
    """``count`` parties with names, an address, a birth date, an email, a phone, a customer
    number and a contract number each."""
    rng = random.Random(seed)
    for number in range(count):
        given = _skewed(rng, GIVEN)
        family = _skewed(rng, FAMILY_STEMS) + rng.choice(SUFFIXES)
        postcode = f"{rng.randrange(1000, 95999):05d}"
        address = (
            f"{rng.randrange(1, 300)} rue des {_skewed(rng, STREETS).title()}, "
            f"{postcode} {_skewed(rng, TOWNS).title()}"
        )
        digits = f"{rng.randrange(10, 99)} {rng.randrange(10, 99)} {number % 100:02d}"
        phone = f"06 {digits} {number // 100 % 100:02d}"
        yield Party(
            party_id=f"P{number:08d}",
            kind=PartyKind.PERSON,
            display_name=f"{given.title()} {family.upper()}",
            given_name=given.title(),
            family_name=family.title(),
            birth_date=(
                f"{rng.randrange(1930, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            ),
            postal_addresses=(address,),
            identifiers=(
                Identifier("email", f"{given}.{family}{number}@example.com"),
                Identifier("phone", phone),
                Identifier("customer_number", f"CLI{number:08d}"),
                Identifier("contract_number", f"CTR-{2000 + number % 25}{number:07d}"),
            ),
        )


def letter_about(party: Party) -> Request:
    """A letter from ``party``: its name and address, no identifier."""
    text = (
        f"{party.display_name}\n{party.postal_addresses[0].replace(', ', chr(10))}\n\n"
        "Madame, Monsieur,\nje souhaite modifier mon contrat.\n\nCordialement,\n"
        f"{party.display_name}\n"
    )
    return Request(texts=(RequestText("body", text),))
