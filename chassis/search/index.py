"""Schema, query algebra and the ``SearchIndex`` protocol shared by the search adapters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class FieldKind(StrEnum):
    """How a field is indexed."""

    KEYWORD = "keyword"
    """Exact values (ids, references, hashes), possibly several per document."""
    TEXT = "text"
    """Full text, analysed for French and English (case and accents folded)."""
    TIMESTAMP = "timestamp"
    """A point in time as integer seconds since the epoch, for range filters."""


@dataclass(frozen=True)
class IndexField:
    """A field of the index."""

    name: str
    kind: FieldKind


@dataclass(frozen=True)
class IndexSchema:
    """The documents of one index; ``version`` changes whenever a rebuild is needed."""

    name: str
    version: int
    id_field: str
    fields: tuple[IndexField, ...]

    def field(self, name: str) -> IndexField:
        """The field called ``name``; KeyError if the schema has none."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"index {self.name!r} has no field {name!r}")


@dataclass(frozen=True)
class Term:
    """Documents whose keyword field ``field`` holds ``value``."""

    field: str
    value: str


@dataclass(frozen=True)
class AnyTerm:
    """Documents whose keyword field ``field`` holds any of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Range:
    """Documents whose timestamp field lies in [``low``, ``high``] (None: unbounded)."""

    field: str
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Matches:
    """Documents whose text field shares terms with ``text``, ranked by relevance."""

    field: str
    text: str


@dataclass(frozen=True)
class Boolean:
    """``must`` all match (and score), ``should`` add score (at least one must match when there
    is no ``must``), ``filter`` all match without scoring, ``must_not`` none match."""

    must: tuple[Query, ...] = ()
    should: tuple[Query, ...] = ()
    filter: tuple[Query, ...] = ()
    must_not: tuple[Query, ...] = ()


Query = Term | AnyTerm | Range | Matches | Boolean


@dataclass(frozen=True)
class Hit:
    """A matching document's id and the engine's relevance score (engine-specific)."""

    id: str
    score: float


Document = Mapping[str, str | int | Sequence[str]]


class SearchIndex(Protocol):
    """An index of documents described by ``schema``.

    Writes SHALL be visible to ``search`` once ``upsert`` or ``delete`` returns. One process
    writes an embedded index at a time.
    """

    schema: IndexSchema

    def upsert(self, documents: Sequence[Document]) -> None:
        """Adds or replaces documents (by the schema's id field)."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Removes documents by id."""
        ...

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The best ``limit`` matches, best first."""
        ...

    def count(self) -> int:
        """How many documents the index holds."""
        ...

    def needs_rebuild(self) -> bool:
        """True when the stored index was built with another schema version (or not at all)."""
        ...

    def reset(self) -> None:
        """Empties the index and marks it as built with the current schema version."""
        ...

    def close(self) -> None:
        """Releases the writer and readers."""
        ...
