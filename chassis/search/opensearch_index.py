"""The search engine at scale: an OpenSearch index behind an alias.

Documents live in a physical index named ``<alias>-v<schema version>-<milliseconds>``; readers
and writers only ever name the alias. A rebuild (``reset``) puts the schema's index template,
creates a fresh physical index and, in one ``_aliases`` call, points the alias at it and deletes
the previous ones: the alias never disappears, so no request fails during a rebuild (the
ledger's outbox, not the index, makes decisions complete while it is refilled).

The template carries the mappings and two analysers, the same chain as the embedded engine's
(lower case, ASCII folding, Snowball French stemmer) plus an English one on a ``.english``
sub-field; text queries search both. Writes go through ``_bulk`` with ``refresh=wait_for``, so
they are searchable when ``upsert`` returns, as the ``SearchIndex`` protocol demands, without
forcing a refresh per call. The schema version is recorded in the physical index's mapping
``_meta``, written by ``reset`` only: an index created for a first write still needs a build.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from chassis.errors import UnavailableError
from chassis.search.index import (
    AnyTerm,
    Boolean,
    Document,
    FieldKind,
    Hit,
    IndexSchema,
    Matches,
    Query,
    Range,
    Term,
)

FRENCH_ANALYZER = "conflux_french"
ENGLISH_ANALYZER = "conflux_english"
ENGLISH_SUBFIELD = "english"
VERSION_META = "conflux_schema_version"
# Lucene counts every clause of a query against ``indices.query.bool.max_clause_count`` (1024 by
# default); a text query becomes one clause per distinct word and per analysed field.
_MAX_QUERY_WORDS = 400
_WORD = re.compile(r"\w+", re.UNICODE)
_TIMEOUT_SECONDS = 30.0
_UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})

ANALYSIS: Mapping[str, Any] = {
    "filter": {
        "conflux_long_words": {"type": "length", "max": 40},
        "conflux_french_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "lorsqu", "puisqu"],
        },
        "conflux_french_stemmer": {"type": "stemmer", "language": "french"},
        "conflux_english_possessive": {"type": "stemmer", "language": "possessive_english"},
        "conflux_english_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        FRENCH_ANALYZER: {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "conflux_long_words",
                "conflux_french_elision",
                "lowercase",
                "asciifolding",
                "conflux_french_stemmer",
            ],
        },
        ENGLISH_ANALYZER: {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "conflux_long_words",
                "conflux_english_possessive",
                "lowercase",
                "asciifolding",
                "conflux_english_stemmer",
            ],
        },
    },
}
"""The analysers of every text field (see the module docstring)."""


class OpenSearchRejectedError(RuntimeError):
    """OpenSearch refused a write for a reason retrying will not fix (a mapping conflict…)."""


def connect(url: str) -> OpenSearch:
    """A client of the cluster at ``url`` (``https://user:password@host:9200`` or a list of
    such URLs separated by commas), with timeouts and retries on timeouts."""
    hosts = [host.strip() for host in url.split(",") if host.strip()]
    return OpenSearch(
        hosts=hosts,
        timeout=_TIMEOUT_SECONDS,
        retry_on_timeout=True,
        max_retries=2,
        http_compress=True,
    )


class OpenSearchIndex:
    """A ``SearchIndex`` stored by OpenSearch under the alias ``<namespace>-<schema name>``."""

    def __init__(self, schema: IndexSchema, client: OpenSearch, namespace: str = "conflux") -> None:
        self.schema = schema
        self.alias = f"{namespace}-{schema.name}"
        self._client = client
        self._alias_known = False
        self._lock = threading.Lock()

    def upsert(self, documents: Sequence[Document]) -> None:
        """Replaces documents by id in one bulk request; searchable on return."""
        if not documents:
            return
        lines: list[Mapping[str, Any]] = []
        for document in documents:
            lines.append({"index": {"_id": str(document[self.schema.id_field])}})
            lines.append(self._source(document))
        self._bulk(lines)

    def delete(self, ids: Sequence[str]) -> None:
        """Removes documents by id in one bulk request (unknown ids are ignored)."""
        if not ids:
            return
        self._bulk([{"delete": {"_id": identifier}} for identifier in ids])

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The best ``limit`` matches (none for a limit below 1, or before the first write)."""
        if limit < 1:
            return []
        body = {
            "query": self.compile(query),
            "size": limit,
            "_source": False,
            "track_total_hits": False,
        }
        with _engine_errors():
            try:
                response = self._client.search(index=self.alias, body=body)
            except NotFoundError:
                return []  # nothing written yet
        return [Hit(str(hit["_id"]), float(hit["_score"])) for hit in response["hits"]["hits"]]

    def count(self) -> int:
        """Documents behind the alias (0 before the first write)."""
        with _engine_errors():
            try:
                return int(self._client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def needs_rebuild(self) -> bool:
        """True when no index is behind the alias, or it was built for another schema version."""
        with _engine_errors():
            try:
                mappings = self._client.indices.get_mapping(index=self.alias)
            except NotFoundError:
                return True
        versions = {
            index.get("mappings", {}).get("_meta", {}).get(VERSION_META)
            for index in mappings.values()
        }
        return versions != {self.schema.version}

    def reset(self) -> None:
        """Swaps the alias onto a new empty index of the current schema version (atomically,
        deleting the indices it pointed at and any left over by an interrupted reset)."""
        with self._lock, _engine_errors():
            self._put_template()
            fresh = self._physical_name()
            self._client.indices.create(
                index=fresh, body={"mappings": {"_meta": {VERSION_META: self.schema.version}}}
            )
            stale = [name for name in self._physical_indices() if name != fresh]
            actions: list[Mapping[str, Any]] = [{"add": {"index": fresh, "alias": self.alias}}]
            actions += [{"remove_index": {"index": name}} for name in stale]
            self._client.indices.update_aliases(body={"actions": actions})
            self._alias_known = True

    def close(self) -> None:
        """Closes the client's connections."""
        self._client.close()

    def template(self) -> Mapping[str, Any]:
        """The index template of this schema: analysers, strict mappings, the index pattern."""
        return {
            "index_patterns": [f"{self.alias}-v*"],
            "template": {
                "settings": {"index": {"analysis": ANALYSIS}},
                "mappings": {
                    "dynamic": "strict",
                    "_source": {"enabled": False},
                    "properties": {
                        field.name: _mapping_of(field.kind) for field in self.schema.fields
                    },
                },
            },
        }

    def compile(self, query: Query) -> dict[str, Any]:
        """The OpenSearch query DSL of ``query``."""
        if isinstance(query, Term):
            return {"term": {query.field: {"value": query.value}}}
        if isinstance(query, AnyTerm):
            if not query.values:
                return {"match_none": {}}
            return {"terms": {query.field: list(query.values)}}
        if isinstance(query, Range):
            if query.low is None and query.high is None:
                return {"exists": {"field": query.field}}
            bounds = {}
            if query.low is not None:
                bounds["gte"] = query.low
            if query.high is not None:
                bounds["lte"] = query.high
            return {"range": {query.field: bounds}}
        if isinstance(query, Matches):
            return self._compile_matches(query)
        return self._compile_boolean(query)

    def _compile_matches(self, query: Matches) -> dict[str, Any]:
        words = dict.fromkeys(word.lower() for word in _WORD.findall(query.text))
        text = " ".join(list(words)[:_MAX_QUERY_WORDS])
        if not text:
            return {"match_none": {}}
        return {
            "bool": {
                "should": [
                    {"match": {query.field: {"query": text}}},
                    {"match": {f"{query.field}.{ENGLISH_SUBFIELD}": {"query": text}}},
                ],
                "minimum_should_match": 1,
            }
        }

    def _compile_boolean(self, query: Boolean) -> dict[str, Any]:
        clauses: dict[str, Any] = {}
        for occur, parts in (
            ("must", query.must),
            ("should", query.should),
            ("filter", query.filter),
            ("must_not", query.must_not),
        ):
            if parts:
                clauses[occur] = [self.compile(part) for part in parts]
        if query.should and not query.must:
            # OpenSearch's default is 0 as soon as a filter is present; the algebra says one.
            clauses["minimum_should_match"] = 1
        return {"bool": clauses}

    def _source(self, document: Document) -> dict[str, Any]:
        source: dict[str, Any] = {}
        for field in self.schema.fields:
            value = document.get(field.name)
            if value is None:
                continue
            if field.kind is FieldKind.TIMESTAMP:
                source[field.name] = int(value)  # type: ignore[arg-type]
            elif isinstance(value, str):
                source[field.name] = value
            else:
                source[field.name] = [str(each) for each in value]  # type: ignore[union-attr]
        return source

    def _bulk(self, lines: Sequence[Mapping[str, Any]]) -> None:
        with _engine_errors():
            self._ensure_alias()
            body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            response = self._client.bulk(
                body=body, index=self.alias, refresh="wait_for", require_alias=True
            )
        if response.get("errors"):
            _raise_first_failure(response.get("items", []))

    def _ensure_alias(self) -> None:
        """Creates the alias and a first (not yet built) index before the first write."""
        if self._alias_known:
            return
        with self._lock:
            if self._alias_known or self._client.indices.exists_alias(name=self.alias):
                self._alias_known = True
                return
            self._put_template()
            self._client.indices.create(
                index=self._physical_name(), body={"aliases": {self.alias: {}}}
            )
            self._alias_known = True

    def _put_template(self) -> None:
        self._client.indices.put_index_template(name=self.alias, body=self.template())

    def _physical_name(self) -> str:
        return f"{self.alias}-v{self.schema.version}-{time.time_ns() // 1_000_000}"

    def _physical_indices(self) -> list[str]:
        try:
            found = self._client.indices.get_alias(index=f"{self.alias}-v*")
        except NotFoundError:
            return []
        return sorted(found)


def _mapping_of(kind: FieldKind) -> dict[str, Any]:
    if kind is FieldKind.KEYWORD:
        return {"type": "keyword"}
    if kind is FieldKind.TEXT:
        return {
            "type": "text",
            "analyzer": FRENCH_ANALYZER,
            "fields": {ENGLISH_SUBFIELD: {"type": "text", "analyzer": ENGLISH_ANALYZER}},
        }
    return {"type": "long"}


def _raise_first_failure(items: Sequence[Mapping[str, Any]]) -> None:
    for item in items:
        for action, result in item.items():
            status = int(result.get("status", 200))
            if status < 300 or (action == "delete" and status == 404):
                continue
            message = (
                f"OpenSearch refused to {action} document {result.get('_id')!r}: "
                f"{status} {result.get('error')}"
            )
            if status in _UNAVAILABLE_STATUSES or status >= 500:
                raise UnavailableError("SEARCH_UNAVAILABLE", message)
            raise OpenSearchRejectedError(message)
    raise OpenSearchRejectedError("OpenSearch reported errors in a bulk request without an item")


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Connection failures and overload become ``UnavailableError`` (callers retry)."""
    try:
        yield
    except OpenSearchConnectionError as error:
        raise UnavailableError(
            "SEARCH_UNAVAILABLE", f"OpenSearch is unreachable: {error}"
        ) from error
    except TransportError as error:
        if isinstance(error.status_code, int) and (
            error.status_code in _UNAVAILABLE_STATUSES or error.status_code >= 500
        ):
            raise UnavailableError(
                "SEARCH_UNAVAILABLE", f"OpenSearch answered {error.status_code}: {error.error}"
            ) from error
        raise
