"""The referential as ``conflux.identity.v1`` carries it: conversions both ways."""

from __future__ import annotations

from conflux.identity.v1 import identity_service_pb2 as pb
from identity_svc.identifiers import IdentifierKind, InvalidIdentifierError
from identity_svc.referential import Party, PartyKind

KINDS = {kind: pb.IdentifierKind.Value(f"IDENTIFIER_KIND_{kind.name}") for kind in IdentifierKind}
"""Each identifier kind's protobuf value."""
_PARTY_KINDS = {
    PartyKind.PERSON: pb.PARTY_KIND_PERSON,
    PartyKind.ORGANISATION: pb.PARTY_KIND_ORGANISATION,
}


def party_message(party: Party) -> pb.Party:
    """The protobuf form of a party."""
    return pb.Party(
        party_id=party.party_id,
        kind=_PARTY_KINDS[party.kind],
        display_name=party.display_name,
        postal_address=party.postal_address,
        identifiers=[
            pb.Identifier(kind=KINDS[IdentifierKind(kind)], value=value)
            for kind, value in party.identifiers
        ],
    )


def party_from_message(message: pb.Party) -> Party:
    """The party a message describes; ``InvalidIdentifierError`` for an identifier without a
    kind. Values are kept as written (``referential.normalise_party`` puts them in form)."""
    kind = (
        PartyKind.ORGANISATION if message.kind == pb.PARTY_KIND_ORGANISATION else PartyKind.PERSON
    )
    identifiers = []
    for identifier in message.identifiers:
        if identifier.kind == pb.IDENTIFIER_KIND_UNSPECIFIED:
            raise InvalidIdentifierError(f"identifier {identifier.value!r} has no kind")
        name = pb.IdentifierKind.Name(identifier.kind).removeprefix("IDENTIFIER_KIND_").lower()
        identifiers.append((name, identifier.value))
    return Party(
        party_id=message.party_id,
        kind=kind,
        display_name=message.display_name,
        identifiers=tuple(identifiers),
        postal_address=message.postal_address,
    )
