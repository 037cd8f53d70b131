"""The party index: what it holds and how a request's candidates are looked up in it.

It is derived from the referential (fed through the outbox, see ``index_feeder``) and only holds
active parties. It finds candidates by their names, addresses and dates of birth; identifiers
are looked up exactly in the referential's own tables. Every field is a keyword field holding
keys computed here (``profile``), so that retrieval behaves the same on every engine: no engine
analyser, stemmer or fuzzy query is relied upon. Scores are the engine's (each shared key adds
to it, rare keys more): they only rank candidates, never decide.
"""

from __future__ import annotations

from chassis.search import Boolean, FieldKind, IndexField, IndexSchema, Query, Term
from chassis.search.index import Document
from identity_svc.profile import (
    PartyProfile,
    address_retrieval_keys,
    birth_key,
    name_retrieval_keys,
)
from identity_svc.request_features import RequestFeatures, address_query_keys, name_query_keys

SCHEMA = IndexSchema(
    name="parties",
    version=1,
    id_field="party_id",
    fields=(
        IndexField("party_id", FieldKind.KEYWORD),
        IndexField("name_keys", FieldKind.KEYWORD),
        IndexField("address_keys", FieldKind.KEYWORD),
        IndexField("birth_keys", FieldKind.KEYWORD),
    ),
)
MAX_QUERY_TERMS = 160
"""Terms of one candidate query: declared-name keys first, then addresses, dates, other words."""


def document_of(profile: PartyProfile) -> Document:
    """The index document of an active party."""
    birth = profile.party.birth_date
    return {
        "party_id": profile.party.party_id,
        "name_keys": sorted(name_retrieval_keys(profile)),
        "address_keys": sorted(address_retrieval_keys(profile)),
        "birth_keys": [birth_key(birth)] if birth else [],
    }


def candidate_query(features: RequestFeatures) -> Query | None:
    """Parties sharing any name, address or birth key with the request, ranked by how many and
    how rare; None when the request has nothing to look up by."""
    fuzzy_names, exact_names = name_query_keys(features)
    terms: list[Query] = [Term("name_keys", key) for key in sorted(fuzzy_names)]
    terms += [Term("address_keys", key) for key in sorted(address_query_keys(features))]
    terms += [Term("birth_keys", birth_key(d.value)) for d in features.dates]
    terms += [Term("name_keys", word) for word in exact_names if word not in fuzzy_names]
    if not terms:
        return None
    return Boolean(should=tuple(dict.fromkeys(terms))[:MAX_QUERY_TERMS])
