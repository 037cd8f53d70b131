"""The customer referential: parties and their identifiers, in canonical form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from identity_svc.identifiers import IdentifierKind, InvalidIdentifierError, canonical


class PartyKind(StrEnum):
    """A person or an organisation."""

    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Party:
    """A party as imported: the CRM's id, its kind, name, identifiers (kind, canonical value)."""

    party_id: str
    kind: PartyKind
    display_name: str
    identifiers: tuple[tuple[str, str], ...] = ()
    postal_address: str = ""


@dataclass
class ImportReport:
    """What an import did: counts, and each refused party with its reason."""

    created: int = 0
    updated: int = 0
    rejections: list[tuple[int, str, str]] = field(default_factory=list)

    def reject(self, index: int, party_id: str, reason: str) -> None:
        """Records a refused party, or an identifier left out of an imported one."""
        self.rejections.append((index, party_id, reason))


def normalise_party(party: Party) -> tuple[Party, list[str]]:
    """The party with its identifiers in canonical form (duplicates removed), and a message for
    each identifier that cannot be read and was left out.

    Raises ``InvalidIdentifierError`` for a party without an id or a name.
    """
    if not party.party_id.strip():
        raise InvalidIdentifierError("the party has no party_id")
    if not party.display_name.strip():
        raise InvalidIdentifierError(f"party {party.party_id!r} has no display_name")
    identifiers: dict[tuple[str, str], None] = {}
    problems: list[str] = []
    for kind_name, value in party.identifiers:
        try:
            kind = IdentifierKind(kind_name)
            identifiers[(kind.value, canonical(kind, value))] = None
        except ValueError as error:
            problems.append(f"{kind_name} {value!r} left out: {error}")
    normalised = replace(
        party,
        party_id=party.party_id.strip(),
        display_name=party.display_name.strip(),
        identifiers=tuple(identifiers),
    )
    return normalised, problems
