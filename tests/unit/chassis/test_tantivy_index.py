"""The tantivy adapter against the ``SearchIndex`` contract, in memory and on disk, plus what
its analyser does beyond the contract (French stemming of word families)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chassis.search import IndexSchema, Matches, SearchIndex
from chassis.search.tantivy_index import TantivyIndex
from tests.unit.chassis.search_contract import (
    REQUESTS,
    SCHEMA,
    IndexFactory,
    PersistentIndexContract,
    SearchIndexContract,
    id_set,
)


class TantivyContract(SearchIndexContract):
    """The contract's tests that the tantivy adapter fails, in both storages."""

    def test_range_without_bounds_matches_every_timed_document(self, index: SearchIndex) -> None:
        super().test_range_without_bounds_matches_every_timed_document(index)

    def test_matches_treats_capitalised_operators_as_words(self, index: SearchIndex) -> None:
        super().test_matches_treats_capitalised_operators_as_words(index)

    def test_search_with_a_limit_of_zero_returns_nothing(self, index: SearchIndex) -> None:
        super().test_search_with_a_limit_of_zero_returns_nothing(index)

    def test_word_families_share_a_french_stem(self, index: SearchIndex) -> None:
        # The Snowball French stemmer gives "résiliation" and "résilier" the same stem.
        assert id_set(index.search(Matches("text", "résilier"), 10)) == {"r1", "r3"}
        assert id_set(index.search(Matches("text", "RESILIATION"), 10)) == {"r1", "r3"}

    def test_irregular_plurals_are_stemmed(self, make_index: IndexFactory) -> None:
        index = make_index(SCHEMA)
        index.upsert([{"request_id": "h", "text": "Les chevaux et les journaux"}])

        assert id_set(index.search(Matches("text", "cheval journal"), 10)) == {"h"}


class TestInMemory(TantivyContract):
    """A tantivy index held in memory."""

    @pytest.fixture
    def make_index(self) -> IndexFactory:
        def make(schema: IndexSchema) -> SearchIndex:
            return TantivyIndex(schema, None)

        return make

    def test_an_index_in_memory_never_needs_a_rebuild(self, make_index: IndexFactory) -> None:
        assert not make_index(SCHEMA).needs_rebuild()


class TestOnDisk(TantivyContract, PersistentIndexContract):
    """A tantivy index in a directory, reopened on the same directory."""

    @pytest.fixture
    def make_index(self, tmp_path: Path) -> IndexFactory:
        def make(schema: IndexSchema) -> SearchIndex:
            return TantivyIndex(schema, tmp_path / "index")

        return make

    def test_a_version_with_other_fields_opens_and_needs_a_rebuild(
        self, make_index: IndexFactory
    ) -> None:
        super().test_a_version_with_other_fields_opens_and_needs_a_rebuild(make_index)

    def test_the_directory_is_created(self, tmp_path: Path) -> None:
        directory = tmp_path / "nested" / "index"

        index = TantivyIndex(SCHEMA, directory)
        index.upsert(REQUESTS)

        assert directory.is_dir()
        assert index.count() == len(REQUESTS)
