"""The customer referential: parties, their identifiers, names, addresses and date of birth.

The CRM owns the parties: an import creates or replaces what the CRM said about a party, and
deactivates or erases it. Identifiers the identity service learnt by itself (enrichment) are
kept apart by their source, so that a CRM update never silently drops or overwrites them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from identity_svc.dates import InvalidDateError, birth_date_form
from identity_svc.identifiers import IdentifierKind, IdentifierRules, InvalidIdentifierError


class PartyKind(StrEnum):
    """A person or an organisation."""

    PERSON = "person"
    ORGANISATION = "organisation"


class PartyState(StrEnum):
    """An active party is matched; an inactive one (closed by the CRM) is kept but not."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class IdentifierSource(StrEnum):
    """Who attached an identifier to a party: the CRM, or the identity service's enrichment."""

    CRM = "crm"
    ENRICHMENT = "enrichment"


class Identifier(NamedTuple):
    """An identifier of a party: kind, canonical value, source."""

    kind: str
    value: str
    source: IdentifierSource = IdentifierSource.CRM


@dataclass(frozen=True)
class Party:
    """A party: the CRM's id, kind, display name, identifiers, postal addresses, the person's
    given and family names and date of birth (ISO) when the CRM has them, and its state."""

    party_id: str
    kind: PartyKind
    display_name: str
    identifiers: tuple[Identifier, ...] = ()
    postal_addresses: tuple[str, ...] = ()
    given_name: str = ""
    family_name: str = ""
    birth_date: str = ""
    state: PartyState = PartyState.ACTIVE
    update_time: datetime | None = None


class ChangeAction(StrEnum):
    """What a change from the CRM does to a party."""

    UPSERT = "upsert"
    """Creates the party, or replaces what the CRM said about it (and reactivates it)."""
    DEACTIVATE = "deactivate"
    """Keeps the party and its history but stops matching it (a closed customer account)."""
    ERASE = "erase"
    """Removes the party and everything learnt about it (a right-to-erasure request)."""


@dataclass(frozen=True)
class PartyChange:
    """One change sent by the CRM; ``change_time`` orders changes of one party (an older
    change than the one applied is ignored), None when the CRM does not say."""

    action: ChangeAction
    party: Party
    change_time: datetime | None = None


@dataclass
class ImportReport:
    """What an import did: counts, and each refused change or left-out value with its reason."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    erased: int = 0
    ignored: int = 0
    rejections: list[tuple[int, str, str]] = field(default_factory=list)

    def reject(self, index: int, party_id: str, reason: str) -> None:
        """Records a refused change, or a value left out of an imported party."""
        self.rejections.append((index, party_id, reason))


def normalise_party(party: Party, rules: IdentifierRules | None = None) -> tuple[Party, list[str]]:
    """The party with identifiers in canonical form (duplicates removed), its date of birth in
    ISO form and its addresses trimmed, and a message for each value that cannot be read and
    was left out.

    Raises ``InvalidIdentifierError`` for a party without an id or a name.
    """
    rules = rules or IdentifierRules()
    if not party.party_id.strip():
        raise InvalidIdentifierError("the party has no party_id")
    if not party.display_name.strip():
        raise InvalidIdentifierError(f"party {party.party_id!r} has no display_name")
    identifiers: dict[Identifier, None] = {}
    problems: list[str] = []
    for kind_name, value, source in party.identifiers:
        try:
            kind = IdentifierKind(kind_name)
            if kind is IdentifierKind.REFERENCE:
                raise InvalidIdentifierError("a party holds no plain reference")
            identifiers[Identifier(kind.value, rules.canonical(kind, value), source)] = None
        except ValueError as error:
            problems.append(f"{kind_name} {value!r} left out: {error}")
    try:
        birth_date = birth_date_form(party.birth_date)
    except InvalidDateError as error:
        problems.append(f"birth_date left out: {error}")
        birth_date = ""
    addresses = tuple(dict.fromkeys(a.strip() for a in party.postal_addresses if a.strip()))
    normalised = replace(
        party,
        party_id=party.party_id.strip(),
        display_name=party.display_name.strip(),
        identifiers=tuple(identifiers),
        postal_addresses=addresses,
        given_name=party.given_name.strip(),
        family_name=party.family_name.strip(),
        birth_date=birth_date,
    )
    return normalised, problems
