"""Everything a request offers to identify its sender, read once: identifiers, words, the
declared name, postcodes, house numbers with their street, dates.

The words of all texts are kept with a position each (texts are kept apart by a gap, so that
words of two texts are never "near"), for the field-by-field comparison of candidates; the keys
derived from them query the party index for fuzzy candidates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from identity_svc.addresses import BRITISH_POSTCODE, COMPASS, STREET_TYPES
from identity_svc.dates import FoundDate, find_dates
from identity_svc.extraction import (
    FoundIdentifier,
    RequestText,
    extract_identifiers,
    sender_identifier,
)
from identity_svc.identifiers import DEFAULT_PHONE_REGION
from identity_svc.name_zones import declared_name_words, is_street_line
from identity_svc.names import JOINING_WORDS, TITLES, deletion_keys, significant
from identity_svc.profile import postcode_key, street_key
from identity_svc.words import fold, folded_words, words_of

TEXT_GAP = 1000
"""Positions between two texts: more than any proximity window."""
_HOUSE_NUMBER = re.compile(r"^\d{1,4}[a-z]?$")
_POSTCODE = re.compile(r"^\d{5}$")
_MAX_CAPITALISED = 40
_MAX_STREET_KEYS = 40
_MAX_DATES = 12
_STREET_WORDS_AFTER_NUMBER = 4


@dataclass(frozen=True)
class Request:
    """What a request says about its sender: the handle it came from (email address or phone
    number), the display name with it, and its texts (subject, body, attachments' text)."""

    sender: str = ""
    sender_name: str = ""
    texts: tuple[RequestText, ...] = ()


@dataclass
class RequestFeatures:
    """What was read from a request."""

    identifiers: list[FoundIdentifier]
    positions: dict[str, list[int]] = field(default_factory=dict)
    """Each folded word, and where it occurs."""
    declared_name: list[str] = field(default_factory=list)
    """The folded words naming the writer (see ``name_zones``)."""
    capitalised: list[str] = field(default_factory=list)
    """Other capitalised words, which may be names too."""
    postcodes: set[str] = field(default_factory=set)
    street_keys: set[str] = field(default_factory=set)
    declared_streets: list[str] = field(default_factory=list)
    """Street lines of the request ("17 rue des Écoles"), as written: where the writer lives
    or works, or the recipient's address."""
    dates: list[FoundDate] = field(default_factory=list)

    @property
    def vocabulary(self) -> list[str]:
        """The distinct folded words of the request."""
        return list(self.positions)


def read_request(request: Request, region: str = DEFAULT_PHONE_REGION) -> RequestFeatures:
    """The features of ``request``."""
    identifiers = extract_identifiers(request.texts, region)
    sender = sender_identifier(request.sender, region)
    if sender is not None:
        identifiers.insert(0, sender)
    features = RequestFeatures(identifiers)
    positions: dict[str, list[int]] = defaultdict(list)
    declared: dict[str, None] = dict.fromkeys(significant(folded_words(request.sender_name)))
    capitalised: dict[str, None] = {}
    texts = [RequestText("sender_name", request.sender_name), *request.texts]
    for number, part in enumerate(texts):
        words = words_of(part.text)
        base = number * TEXT_GAP
        for position, word in enumerate(words[: TEXT_GAP - 1]):
            positions[word.folded].append(base + position)
            if word.capitalised and not word.folded.isdigit() and len(word.folded) > 2:
                capitalised.setdefault(word.folded)
        declared.update(dict.fromkeys(w.folded for w in declared_name_words(part.text)))
        folded = [w.folded for w in words]
        features.declared_streets += [
            line.strip() for line in part.text.splitlines() if is_street_line(fold(line))
        ]
        features.postcodes |= _postcodes(part.text, folded)
        features.street_keys |= _street_keys(folded)
        features.dates += find_dates(part.text)
    features.positions = dict(positions)
    features.declared_name = [w for w in declared if w not in TITLES and w not in JOINING_WORDS]
    features.capitalised = [
        w for w in capitalised if w not in declared and w not in TITLES and w not in JOINING_WORDS
    ][:_MAX_CAPITALISED]
    features.dates = features.dates[:_MAX_DATES]
    return features


def _postcodes(text: str, folded: list[str]) -> set[str]:
    found = {w for w in folded if _POSTCODE.match(w)}
    found |= {m.group(1) + m.group(2) for m in BRITISH_POSTCODE.finditer(fold(text))}
    return found


def _street_keys(folded: list[str]) -> set[str]:
    """A house number with each significant word among the few that follow it."""
    keys: set[str] = set()
    for position, word in enumerate(folded):
        if not _HOUSE_NUMBER.match(word):
            continue
        following = folded[position + 1 : position + 1 + _STREET_WORDS_AFTER_NUMBER]
        for street_word in following:
            if (
                street_word in STREET_TYPES
                or street_word in COMPASS
                or street_word in JOINING_WORDS
            ):
                continue
            if street_word.isdigit():
                break
            keys.add(street_key(word, street_word))
            if len(keys) >= _MAX_STREET_KEYS:
                return keys
    return keys


def name_query_keys(features: RequestFeatures) -> tuple[set[str], set[str]]:
    """The name keys to look up: the declared name's words with their deletion forms (fuzzy),
    and the other capitalised words as they are (exact)."""
    fuzzy: set[str] = set()
    for word in features.declared_name:
        fuzzy |= deletion_keys(word)
    return fuzzy, set(features.capitalised)


def address_query_keys(features: RequestFeatures) -> set[str]:
    """The address keys to look up: postcodes and house numbers with street words."""
    return {postcode_key(p) for p in features.postcodes} | features.street_keys
