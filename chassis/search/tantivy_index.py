"""The embedded search engine: a tantivy index in a directory of the data dir.

Keyword fields use tantivy's ``raw`` tokenizer (exact values); text fields an analyser that
lower-cases, folds accents (so "réclamation" finds "reclamation") and stems French, the main
language of the requests; timestamps are indexed integers. One writer is kept open for the life
of the index (tantivy allows one per index: the embedded mode's single writer), and the reader
is reloaded after each commit so that a write is searchable as soon as it returns. The schema
version lives in a file beside the index; a different version means the index must be rebuilt.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import tantivy

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

TEXT_ANALYZER = "conflux_text"
_WRITER_HEAP_BYTES = 64 * 1024 * 1024
_VERSION_FILE = "conflux_schema_version"
_MAX_QUERY_TERMS = 200
# Explicit bounds rather than None: documents without the field stay out of a range.
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_QUERY_SYNTAX = re.compile(r"[^\w\s]", re.UNICODE)


def _text_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("french"))
        .build()
    )


class TantivyIndex:
    """A ``SearchIndex`` stored by tantivy in ``directory`` (in memory when None)."""

    def __init__(self, schema: IndexSchema, directory: Path | None) -> None:
        self.schema = schema
        self._directory = directory
        self._lock = threading.Lock()
        self._tantivy_schema = _tantivy_schema(schema)
        self._open()

    def _open(self) -> None:
        if self._directory is not None:
            if self._stored_version() != self.schema.version and self._directory.exists():
                # Built with another schema (or half-built): its fields may differ, and tantivy
                # refuses to open an index with another schema. It is derived data: rebuild it.
                shutil.rmtree(self._directory)
            self._directory.mkdir(parents=True, exist_ok=True)
            self._index = tantivy.Index(self._tantivy_schema, str(self._directory))
        else:
            self._index = tantivy.Index(self._tantivy_schema)
        self._index.register_tokenizer(TEXT_ANALYZER, _text_analyzer())
        self._writer = self._index.writer(_WRITER_HEAP_BYTES, 1)

    def upsert(self, documents: Sequence[Document]) -> None:
        """Replaces documents by id and commits: searchable on return."""
        if not documents:
            return
        id_field = self.schema.id_field
        with self._lock:
            for document in documents:
                self._writer.delete_documents_by_term(id_field, str(document[id_field]))
                self._writer.add_document(self._document(document))
            self._commit()

    def delete(self, ids: Sequence[str]) -> None:
        """Removes documents by id and commits."""
        if not ids:
            return
        with self._lock:
            for identifier in ids:
                self._writer.delete_documents_by_term(self.schema.id_field, identifier)
            self._commit()

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The best ``limit`` matches (none for a limit below 1)."""
        if limit < 1:
            return []
        compiled = self._compile(query)
        searcher = self._index.searcher()
        result = searcher.search(compiled, limit)
        hits = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            hits.append(Hit(str(stored.get_first(self.schema.id_field)), float(score)))
        return hits

    def count(self) -> int:
        """Documents in the index."""
        return int(self._index.searcher().num_docs)

    def needs_rebuild(self) -> bool:
        """True when the stored version differs from the schema's (or was never written)."""
        if self._directory is None:
            return False
        return self._stored_version() != self.schema.version

    def reset(self) -> None:
        """Deletes every document and records the current schema version."""
        with self._lock:
            self._writer.delete_all_documents()
            self._commit()
            if self._directory is not None:
                (self._directory / _VERSION_FILE).write_text(f"{self.schema.version}\n")

    def _stored_version(self) -> int | None:
        assert self._directory is not None
        try:
            return int((self._directory / _VERSION_FILE).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def close(self) -> None:
        """Waits for background merges; the writer's lock is released with the object."""
        with self._lock:
            self._writer.wait_merging_threads()

    def _commit(self) -> None:
        self._writer.commit()
        self._index.reload()

    def _document(self, document: Document) -> tantivy.Document:
        converted = tantivy.Document()
        for field in self.schema.fields:
            value = document.get(field.name)
            if value is None:
                continue
            if field.kind is FieldKind.TIMESTAMP:
                converted.add_integer(field.name, int(value))  # type: ignore[arg-type]
            elif isinstance(value, str):
                converted.add_text(field.name, value)
            else:
                for each in value:  # type: ignore[union-attr]
                    converted.add_text(field.name, str(each))
        return converted

    def _compile(self, query: Query) -> tantivy.Query:
        schema = self._tantivy_schema
        if isinstance(query, Term):
            return tantivy.Query.term_query(schema, query.field, query.value)
        if isinstance(query, AnyTerm):
            if not query.values:
                return tantivy.Query.empty_query()
            return tantivy.Query.term_set_query(schema, query.field, list(query.values))
        if isinstance(query, Range):
            low = _INT64_MIN if query.low is None else query.low
            high = _INT64_MAX if query.high is None else query.high
            return tantivy.Query.range_query(
                schema, query.field, tantivy.FieldType.Integer, low, high
            )
        if isinstance(query, Matches):
            # Lower case: the query parser reads upper-case AND, OR, NOT as operators, and
            # scanned letters are often written in capitals.
            words = _QUERY_SYNTAX.sub(" ", query.text.lower()).split()
            text = " ".join(dict.fromkeys(words[: _MAX_QUERY_TERMS * 4]).keys())
            if not text:
                return tantivy.Query.empty_query()
            parsed, _errors = self._index.parse_query_lenient(text, [query.field])
            return parsed
        return self._compile_boolean(query)

    def _compile_boolean(self, query: Boolean) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        clauses += [(tantivy.Occur.Must, self._compile(q)) for q in query.must]
        clauses += [(tantivy.Occur.Should, self._compile(q)) for q in query.should]
        clauses += [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(self._compile(q), 0.0))
            for q in query.filter
        ]
        clauses += [(tantivy.Occur.MustNot, self._compile(q)) for q in query.must_not]
        if query.should and not query.must:
            should = [(tantivy.Occur.Should, self._compile(q)) for q in query.should]
            rest = [c for c in clauses if c[0] is not tantivy.Occur.Should]
            clauses = [*rest, (tantivy.Occur.Must, tantivy.Query.boolean_query(should))]
        if query.must_not and len(clauses) == len(query.must_not):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)


def _tantivy_schema(schema: IndexSchema) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for field in schema.fields:
        stored = field.name == schema.id_field
        if field.kind is FieldKind.KEYWORD:
            builder.add_text_field(field.name, stored=stored, tokenizer_name="raw")
        elif field.kind is FieldKind.TEXT:
            builder.add_text_field(field.name, stored=stored, tokenizer_name=TEXT_ANALYZER)
        else:
            builder.add_integer_field(field.name, stored=stored, indexed=True, fast=True)
    return builder.build()
