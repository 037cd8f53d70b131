"""Postal addresses as matching reads them: house number, street, postcode, town.

French ("17 bis rue des Écoles, 56000 Vannes"), British ("221B Baker Street, London NW1 6XE")
and American ("4837 W. Erie St., Chicago IL 60644") writings are read alike. Street types and
compass points ("rue", "av.", "St.", "W.") are dropped from the street's significant words: they
are written in too many ways and say little. A five-digit number at the end of an address (or
just before the town) is its postcode; a British postcode is recognised by its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from identity_svc.names import JOINING_WORDS
from identity_svc.words import fold, folded_words

STREET_TYPES = frozenset(
    {
        "rue", "r", "avenue", "av", "ave", "boulevard", "bd", "bld", "blvd", "bvd", "place", "pl",
        "chemin", "ch", "che", "impasse", "imp", "allee", "allees", "all", "route", "rte", "quai",
        "cours", "square", "sq", "passage", "pass", "lotissement", "lot", "residence", "res",
        "faubourg", "fg", "hameau", "lieu", "dit", "voie", "sentier", "street", "st", "str",
        "road", "rd", "lane", "ln", "drive", "dr", "court", "ct", "way", "close", "terrace",
        "ter", "crescent", "cres", "parkway", "pkwy", "highway", "hwy", "plaza", "plz",
        "apt", "appt", "appartement", "apartment", "suite", "ste", "unit", "floor", "etage",
        "bat", "batiment", "building", "bp", "cs", "cedex", "bis", "quater",
    }
)  # fmt: skip
COMPASS = frozenset(
    {"n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west",
     "nord", "sud", "est", "ouest"}
)  # fmt: skip
_HOUSE_NUMBER = re.compile(r"^\d{1,5}[a-z]?$")
_POSTCODE = re.compile(r"^\d{5}$")
BRITISH_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")
_US_STATE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class AddressForm:
    """An address as compared: house number, the street's significant words, postcode (no
    spaces, lower case) and the town's words; any part may be empty."""

    number: str
    street: tuple[str, ...]
    postcode: str
    town: tuple[str, ...]


def street_words(words: list[str]) -> tuple[str, ...]:
    """The significant words of a street: no type, compass point or joining word."""
    return tuple(
        w for w in words if w not in STREET_TYPES and w not in COMPASS and w not in JOINING_WORDS
    )


def read_address(address: str) -> AddressForm:
    """The parts of a one-line (or comma-separated) postal address."""
    folded = fold(address)
    postcode = ""
    british = BRITISH_POSTCODE.search(folded)
    if british:
        postcode = british.group(1) + british.group(2)
        folded = folded[: british.start()] + " , " + folded[british.end() :]
    segments = [words for words in map(folded_words, folded.split(",")) if words]
    town: list[str] = []
    if not postcode:
        postcode, segments, town = _split_postcode(segments)
    number = ""
    street: list[str] = []
    for index, segment in enumerate(segments):
        if len(segment) > 1 and _HOUSE_NUMBER.match(segment[0]):
            number, street = segment[0], segment[1:]
            town = [w for s in segments[index + 1 :] for w in s] + town
            break
    else:
        if segments:
            street = segments[0]
            town = [w for s in segments[1:] for w in s] + town
    town = [w for w in town if not _US_STATE.match(w)]
    return AddressForm(number, street_words(street), postcode, tuple(town))


def _split_postcode(segments: list[list[str]]) -> tuple[str, list[list[str]], list[str]]:
    """The last five-digit word that is not a house number, the segments without it, and the
    town words written after it ("56000 Vannes")."""
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        for position in range(len(segment) - 1, -1, -1):
            is_house_number = position == 0 and len(segment) > 1 and index == 0
            if _POSTCODE.match(segment[position]) and not is_house_number:
                before, after = segment[:position], segment[position + 1 :]
                if before and _US_STATE.match(before[-1]):
                    before = before[:-1]
                rest = segments[:index] + ([before] if before else []) + segments[index + 1 :]
                return segment[position], rest, after
    return "", segments, []
