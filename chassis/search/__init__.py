"""The search-engine interface every index of the suite is written against.

Two adapters implement ``SearchIndex``: ``chassis.search.tantivy_index`` (embedded, the default)
and an OpenSearch adapter for deployments at scale. Callers describe their documents with an
``IndexSchema`` and query with the small engine-neutral algebra below. Relevance scores are the
engine's own (BM25 differs between engines): callers use them to *find* candidates and make
their decisions on scores they compute themselves.
"""

from chassis.search.index import (
    AnyTerm,
    Boolean,
    FieldKind,
    Hit,
    IndexField,
    IndexSchema,
    Matches,
    Query,
    Range,
    SearchIndex,
    Term,
)

__all__ = [
    "AnyTerm",
    "Boolean",
    "FieldKind",
    "Hit",
    "IndexField",
    "IndexSchema",
    "Matches",
    "Query",
    "Range",
    "SearchIndex",
    "Term",
]
