"""Field-by-field comparison of a request with one candidate party, weighted (``weights``).

Names and addresses are looked for in the request's words, wherever they are: a candidate's
family name near its given name, its house number followed by its street, its postcode, its
date of birth among the dates. Similarity is Jaro–Winkler (rapidfuzz), which forgives the typos
and OCR slips of names ("Lernaire" for "Lemaire") and short forms ("Tom" for "Thomas").
Identifiers are compared exactly, in canonical form. Each comparison that says something
becomes a piece of evidence: the field, the party's value, what was found, the similarity and
the weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from identity_svc.addresses import AddressForm
from identity_svc.identifiers import IdentifierKind
from identity_svc.profile import (
    PartyProfile,
    birth_key,
    family_key,
    given_key,
    postcode_key,
    street_key,
    town_key,
)
from identity_svc.referential import PartyKind
from identity_svc.request_features import TEXT_GAP, RequestFeatures
from identity_svc.weights import (
    BIRTH_CONFLICT,
    BIRTH_EXACT,
    BIRTH_NEAR,
    CLOSE_SPREAD,
    CONFIRMED_HANDLE,
    CONTENT_IDENTIFIER,
    FAMILY_CLOSE,
    FAMILY_EXACT,
    FAMILY_MISSING,
    GIVEN_CLOSE,
    GIVEN_EXACT,
    GIVEN_INITIAL,
    NAME_EXTRA_WORD_SHARE,
    ORGANISATION_FULL_WORDS,
    ORGANISATION_MISSING_FLOOR_BITS,
    ORGANISATION_WORD_CLOSE,
    ORGANISATION_WORD_EXACT,
    ORGANISATION_WORD_MISSING,
    PERSON_FULL_WORDS,
    POSTCODE,
    POSTCODE_BESIDE_STREET_BITS,
    REPAIRED_SPREAD,
    SENDER_IDENTIFIER,
    SENDER_NOT_HELD,
    STREET_CLOSE,
    STREET_CONFLICT,
    STREET_EXACT,
    TOWN,
    Frequencies,
    Level,
    bits,
)

EXACT = 0.97
CLOSE = 0.88
PERSON_WINDOW = 3
ORGANISATION_WINDOW = 8
STREET_WINDOW = 5
_NUMBER_KINDS = (IdentifierKind.CUSTOMER_NUMBER, IdentifierKind.CONTRACT_NUMBER)


@dataclass(frozen=True)
class FieldEvidence:
    """One comparison: the field, the party's value, what the request has (as found), where,
    how similar (0..1) and its weight in bits (negative: evidence against)."""

    field: str
    value: str
    found: str
    location: str
    similarity: float
    weight: float


@dataclass(frozen=True)
class CandidateScore:
    """A candidate party, the sum of its evidence weights, and that evidence."""

    party_id: str
    weight: float
    evidence: tuple[FieldEvidence, ...]


@dataclass(frozen=True)
class _Occurrence:
    word: str
    position: int
    similarity: float


class RequestComparer:
    """Compares the candidates of one request; remembers the fuzzy look-ups of its words."""

    def __init__(
        self, features: RequestFeatures, locations: Sequence[str], frequencies: Frequencies
    ) -> None:
        self._features = features
        self._locations = locations
        self._frequencies = frequencies
        self._vocabulary = features.vocabulary
        self._similar: dict[str, list[tuple[str, float]]] = {}

    def score(self, profile: PartyProfile, confirmed_handles: Iterable[str] = ()) -> CandidateScore:
        """The evidence for and against ``profile`` being the sender."""
        evidence = [*self._identifiers(profile, set(confirmed_handles))]
        evidence += self._name(profile)
        evidence += self._address(profile)
        evidence += self._birth_date(profile)
        return CandidateScore(
            profile.party.party_id, sum(e.weight for e in evidence), tuple(evidence)
        )

    # Identifiers and history

    def _identifiers(self, profile: PartyProfile, confirmed: set[str]) -> list[FieldEvidence]:
        held: dict[str, set[str]] = {}
        for kind, value, _source in profile.party.identifiers:
            held.setdefault(kind, set()).add(value)
        evidence: list[FieldEvidence] = []
        counted: set[tuple[str, str]] = set()
        for found in self._features.identifiers:
            kinds = _NUMBER_KINDS if found.kind is IdentifierKind.REFERENCE else (found.kind,)
            for kind in kinds:
                if found.value not in held.get(kind.value, ()) or (kind, found.value) in counted:
                    continue
                counted.add((kind, found.value))
                table = SENDER_IDENTIFIER if found.location == "sender" else CONTENT_IDENTIFIER
                level = table.get(kind, CONTENT_IDENTIFIER.get(kind, Level(0.5, 1e-4)))
                spread = REPAIRED_SPREAD if found.repaired else 1.0
                weight = bits(level, (level.u or 1.0) * spread)
                evidence.append(
                    FieldEvidence(kind.value, found.value, found.raw, found.location, 1.0, weight)
                )
            if found.location != "sender":
                continue
            if found.value in confirmed and (found.kind, found.value) not in counted:
                evidence.append(
                    FieldEvidence(
                        "confirmed_handle",
                        found.value,
                        found.raw,
                        "sender",
                        1.0,
                        bits(CONFIRMED_HANDLE),
                    )
                )
            elif (found.kind, found.value) not in counted and held.get(found.kind.value):
                evidence.append(
                    FieldEvidence(
                        f"sender_{found.kind.value}",
                        "",
                        found.raw,
                        "sender",
                        0.0,
                        bits(SENDER_NOT_HELD),
                    )
                )
        return evidence

    # Names

    def _name(self, profile: PartyProfile) -> list[FieldEvidence]:
        if profile.party.kind is PartyKind.ORGANISATION:
            return self._organisation_name(profile)
        return self._person_name(profile)

    def _person_name(self, profile: PartyProfile) -> list[FieldEvidence]:
        name = profile.name
        evidence: list[FieldEvidence] = []
        anchors: list[int] = []
        for word in name.family:
            best = self._best(word, self._occurrences(word))
            if best is None:
                continue
            anchors += [o.position for o in self._occurrences(word) if o.word == best.word]
            level = FAMILY_EXACT if best.similarity >= EXACT else FAMILY_CLOSE
            spread = 1.0 if best.similarity >= EXACT else CLOSE_SPREAD
            weight = bits(level, self._frequencies.u(family_key(word), spread))
            evidence.append(self._word_evidence("family_name", word, best, weight))
        if name.family and not anchors:
            if self._features.declared_name:
                found = " ".join(self._features.declared_name)
                weight = bits(FAMILY_MISSING)
                evidence.append(
                    FieldEvidence("family_name", " ".join(name.family), found, "", 0.0, weight)
                )
            return evidence
        for word in name.given:
            near = [
                o
                for o in self._occurrences(word)
                if not anchors or any(abs(o.position - a) <= PERSON_WINDOW for a in anchors)
            ]
            best = self._best(word, near)
            if best is not None:
                level = GIVEN_EXACT if best.similarity >= EXACT else GIVEN_CLOSE
                spread = 1.0 if best.similarity >= EXACT else CLOSE_SPREAD
                weight = bits(level, self._frequencies.u(given_key(word), spread))
                evidence.append(self._word_evidence("given_name", word, best, weight))
            elif anchors and self._has_initial(word[0], anchors):
                initial = _Occurrence(word[0], anchors[0], 1.0)
                evidence.append(
                    self._word_evidence("given_name", word, initial, bits(GIVEN_INITIAL))
                )
        return _damped(evidence)

    def _organisation_name(self, profile: PartyProfile) -> list[FieldEvidence]:
        words = profile.name.family
        matched: list[tuple[str, _Occurrence, float]] = []
        for word in words:
            best = self._best(word, self._occurrences(word))
            if best is None:
                continue
            exact = best.similarity >= EXACT
            level = ORGANISATION_WORD_EXACT if exact else ORGANISATION_WORD_CLOSE
            u = self._frequencies.u(family_key(word), 1.0 if exact else CLOSE_SPREAD)
            matched.append((word, best, bits(level, u)))
        if not matched:
            if words and self._features.declared_name:
                found = " ".join(self._features.declared_name)
                weight = bits(FAMILY_MISSING)
                return [FieldEvidence("name", " ".join(words), found, "", 0.0, weight)]
            return []
        anchor_word, anchor, _ = max(matched, key=lambda m: m[2])
        anchors = [o.position for o in self._occurrences(anchor_word) if o.word == anchor.word]
        evidence = []
        missing = 0.0
        for word, best, weight in matched:
            near = [
                o
                for o in self._occurrences(word)
                if any(abs(o.position - a) <= ORGANISATION_WINDOW for a in anchors)
            ]
            if near:
                evidence.append(
                    self._word_evidence("name", word, self._best(word, near) or best, weight)
                )
            else:
                missing += bits(ORGANISATION_WORD_MISSING)
        missing += bits(ORGANISATION_WORD_MISSING) * (len(words) - len(matched))
        if missing:
            floor = max(ORGANISATION_MISSING_FLOOR_BITS, missing)
            evidence.append(FieldEvidence("name", " ".join(words), "", "", 0.0, floor))
        return _damped(evidence, full=ORGANISATION_FULL_WORDS)

    def _has_initial(self, letter: str, anchors: list[int]) -> bool:
        return any(
            abs(p - a) <= PERSON_WINDOW
            for p in self._features.positions.get(letter, ())
            for a in anchors
        )

    def _occurrences(self, word: str) -> list[_Occurrence]:
        similar = self._similar.get(word)
        if similar is None:
            matches = process.extract(
                word,
                self._vocabulary,
                scorer=JaroWinkler.normalized_similarity,
                score_cutoff=CLOSE,
                limit=8,
            )
            similar = [(text_word, float(score)) for text_word, score, _ in matches]
            self._similar[word] = similar
        return [
            _Occurrence(text_word, position, score)
            for text_word, score in similar
            for position in self._features.positions[text_word]
        ]

    @staticmethod
    def _best(word: str, occurrences: list[_Occurrence]) -> _Occurrence | None:
        if not occurrences:
            return None
        return max(occurrences, key=lambda o: (o.similarity, -o.position))

    def _word_evidence(
        self, field: str, word: str, occurrence: _Occurrence, weight: float
    ) -> FieldEvidence:
        return FieldEvidence(
            field,
            word,
            occurrence.word,
            self._location(occurrence.position),
            round(occurrence.similarity, 4),
            weight,
        )

    def _location(self, position: int) -> str:
        index = position // TEXT_GAP
        return self._locations[index] if index < len(self._locations) else ""

    # Addresses

    def _address(self, profile: PartyProfile) -> list[FieldEvidence]:
        best: list[FieldEvidence] = []
        for address in profile.addresses:
            evidence = self._one_address(address)
            if sum(e.weight for e in evidence) > sum(e.weight for e in best):
                best = evidence
        streets = [a for a in profile.addresses if a.number and a.street]
        declared = self._features.declared_streets
        if streets and declared and not any(e.field == "street" for e in best):
            value = f"{streets[0].number} {' '.join(streets[0].street)}"
            best.append(FieldEvidence("street", value, declared[0], "", 0.0, bits(STREET_CONFLICT)))
        return best

    def _one_address(self, address: AddressForm) -> list[FieldEvidence]:
        evidence: list[FieldEvidence] = []
        street = self._street(address)
        if street is not None:
            evidence.append(street)
        if address.postcode and address.postcode in self._features.postcodes:
            weight = bits(POSTCODE, self._frequencies.u(postcode_key(address.postcode)))
            if street is not None:
                weight = min(weight, POSTCODE_BESIDE_STREET_BITS)
            evidence.append(
                FieldEvidence("postcode", address.postcode, address.postcode, "", 1.0, weight)
            )
        elif street is None:
            evidence += self._town(address)
        return evidence

    def _street(self, address: AddressForm) -> FieldEvidence | None:
        if not address.number or not address.street:
            return None
        best_total = 0.0
        best_found: list[str] = []
        for position in self._features.positions.get(address.number, ()):
            found: list[str] = []
            total = 0.0
            for word in address.street:
                following = [
                    o for o in self._occurrences(word) if 0 < o.position - position <= STREET_WINDOW
                ]
                occurrence = self._best(word, following)
                if occurrence is not None:
                    total += occurrence.similarity
                    found.append(occurrence.word)
            if total > best_total:
                best_total, best_found = total, found
        if len(best_found) < max(1, (len(address.street) + 1) // 2):
            return None
        similarity = best_total / len(address.street)
        exact = similarity >= EXACT
        key = street_key(address.number, address.street[0])
        u = self._frequencies.u(key, 1.0 if exact else CLOSE_SPREAD)
        weight = bits(STREET_EXACT if exact else STREET_CLOSE, u)
        value = f"{address.number} {' '.join(address.street)}"
        found_text = f"{address.number} {' '.join(best_found)}"
        return FieldEvidence("street", value, found_text, "", round(similarity, 4), weight)

    def _town(self, address: AddressForm) -> list[FieldEvidence]:
        for word in address.town:
            occurrence = self._best(word, self._occurrences(word))
            if occurrence is not None and occurrence.similarity >= EXACT:
                weight = bits(TOWN, self._frequencies.u(town_key(word)))
                return [self._word_evidence("town", word, occurrence, weight)]
        return []

    # Date of birth

    def _birth_date(self, profile: PartyProfile) -> list[FieldEvidence]:
        birth = profile.party.birth_date
        if not birth:
            return []
        dates = self._features.dates
        if any(d.value == birth for d in dates):
            weight = bits(BIRTH_EXACT, self._frequencies.u(birth_key(birth)))
            return [FieldEvidence("birth_date", birth, birth, "", 1.0, weight)]
        near = [d.value for d in dates if _near_dates(birth, d.value)]
        if near:
            return [FieldEvidence("birth_date", birth, near[0], "", 0.5, bits(BIRTH_NEAR))]
        declared = [d.value for d in dates if d.birth_context]
        if declared:
            return [FieldEvidence("birth_date", birth, declared[0], "", 0.0, bits(BIRTH_CONFLICT))]
        return []


def _damped(evidence: list[FieldEvidence], full: int = PERSON_FULL_WORDS) -> list[FieldEvidence]:
    """Positive name evidence beyond the ``full`` strongest words counts for a share only."""
    positive = sorted((e for e in evidence if e.weight > 0), key=lambda e: -e.weight)
    damped = {id(e) for e in positive[full:]}
    return [
        FieldEvidence(
            e.field, e.value, e.found, e.location, e.similarity, e.weight * NAME_EXTRA_WORD_SHARE
        )
        if id(e) in damped
        else e
        for e in evidence
    ]


def _near_dates(registered: str, written: str) -> bool:
    """One part differs by one digit, or day and month are swapped."""
    first, second = date.fromisoformat(registered), date.fromisoformat(written)
    if (first.day, first.month, first.year) == (second.month, second.day, second.year):
        return True
    differing = [
        (a, b)
        for a, b in (
            (first.year, second.year),
            (first.month, second.month),
            (first.day, second.day),
        )
        if a != b
    ]
    if len(differing) != 1:
        return False
    a, b = (f"{v:04d}" for v in differing[0])
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1
