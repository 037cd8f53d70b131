"""A party as matching compares it: name and address forms, and the keys that find it.

Two kinds of keys come out of a party. Retrieval keys go to the party index, where a request's
words find candidates by exact terms (deletion keys make that fuzzy, see ``names``). Frequency
keys name the values whose frequency in the referential weighs an agreement: agreeing on a rare
family name says more than agreeing on "Martin" (term-frequency adjustment, see ``weights``).
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_svc.addresses import AddressForm, read_address
from identity_svc.names import NameForm, deletion_keys, organisation_name, person_name
from identity_svc.referential import Party, PartyKind


@dataclass(frozen=True)
class PartyProfile:
    """A party and its comparison forms."""

    party: Party
    name: NameForm
    addresses: tuple[AddressForm, ...]


def profile_of(party: Party) -> PartyProfile:
    """The comparison forms of ``party``."""
    if party.kind is PartyKind.ORGANISATION:
        name = organisation_name(party.display_name)
    else:
        name = person_name(party.display_name, party.given_name, party.family_name)
    return PartyProfile(party, name, tuple(read_address(a) for a in party.postal_addresses))


def given_key(word: str) -> str:
    """Frequency key of a given-name word."""
    return f"g:{word}"


def family_key(word: str) -> str:
    """Frequency key of a family-name (or organisation-name) word."""
    return f"f:{word}"


def postcode_key(postcode: str) -> str:
    """Frequency and retrieval key of a postcode."""
    return f"pc:{postcode}"


def street_key(number: str, word: str) -> str:
    """Frequency and retrieval key of a house number with a word of its street."""
    return f"ns:{number}:{word}"


def town_key(word: str) -> str:
    """Frequency key of a word of a town's name."""
    return f"t:{word}"


def birth_key(birth_date: str) -> str:
    """Frequency and retrieval key of a date of birth."""
    return f"dob:{birth_date}"


def frequency_keys(profile: PartyProfile) -> set[str]:
    """The keys counted to weigh agreements on this party's values."""
    keys = {given_key(w) for w in profile.name.given}
    keys |= {family_key(w) for w in profile.name.family}
    for address in profile.addresses:
        if address.postcode:
            keys.add(postcode_key(address.postcode))
        if address.number:
            keys |= {street_key(address.number, w) for w in address.street}
        keys |= {town_key(w) for w in address.town}
    if profile.party.birth_date:
        keys.add(birth_key(profile.party.birth_date))
    return keys


def name_retrieval_keys(profile: PartyProfile) -> set[str]:
    """The party index's name keys: every name word and its one-deletion forms."""
    keys: set[str] = set()
    for word in profile.name.words:
        keys |= deletion_keys(word)
    return keys


def address_retrieval_keys(profile: PartyProfile) -> set[str]:
    """The party index's address keys: postcodes, and house numbers with street words."""
    keys: set[str] = set()
    for address in profile.addresses:
        if address.postcode:
            keys.add(postcode_key(address.postcode))
        if address.number:
            keys |= {street_key(address.number, w) for w in address.street}
    return keys
