"""The contract every ``SearchIndex`` adapter SHALL honour, as reusable test classes.

An adapter's test module subclasses ``SearchIndexContract`` (and ``PersistentIndexContract``
when its index outlives the object) and overrides the ``make_index`` fixture; pytest then runs
every test below against that adapter. The classes are not collected on their own (no ``Test``
prefix). Scores are engine-specific: the tests compare them only within one engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from chassis.search import (
    AnyTerm,
    Boolean,
    FieldKind,
    Hit,
    IndexField,
    IndexSchema,
    Matches,
    Range,
    SearchIndex,
    Term,
)
from chassis.search.index import Document

IndexFactory = Callable[[IndexSchema], SearchIndex]
"""Opens an index of the given schema on this test's storage (the same storage on each call)."""

SCHEMA = IndexSchema(
    name="contract_requests",
    version=1,
    id_field="request_id",
    fields=(
        IndexField("request_id", FieldKind.KEYWORD),
        IndexField("party_id", FieldKind.KEYWORD),
        IndexField("references", FieldKind.KEYWORD),
        IndexField("text", FieldKind.TEXT),
        IndexField("sent_time", FieldKind.TIMESTAMP),
    ),
)

DAY = 86_400
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z

REQUESTS: tuple[Document, ...] = (
    {
        "request_id": "r1",
        "party_id": "p1",
        "references": ["CTR20240871", "SIN77"],
        "text": "Demande de résiliation du contrat habitation",
        "sent_time": T0,
    },
    {
        "request_id": "r2",
        "party_id": "p1",
        "references": "FAC12345",
        "text": "RÉCLAMATION sur la facture d'électricité de mars",
        "sent_time": T0 + DAY,
    },
    {
        "request_id": "r3",
        "party_id": "p2",
        "references": [],
        "text": "Je souhaite résilier mon abonnement et contester la facture",
        "sent_time": T0 + 2 * DAY,
    },
    {
        "request_id": "r4",
        "party_id": "p3",
        "text": "Changement d'adresse postale",
        "sent_time": T0 + 3 * DAY,
    },
)


def ids(hits: Sequence[Hit]) -> list[str]:
    """The ids of ``hits``, in their order."""
    return [hit.id for hit in hits]


def id_set(hits: Sequence[Hit]) -> set[str]:
    """The ids of ``hits``, unordered."""
    return {hit.id for hit in hits}


class SearchIndexContract:
    """What every adapter SHALL do, whatever its storage."""

    @pytest.fixture
    def make_index(self) -> IndexFactory:
        """Overridden by each adapter's tests: opens an index of a schema on this test's own
        storage, empty at first and ready for writes."""
        raise NotImplementedError("an adapter's test class provides make_index")

    @pytest.fixture
    def index(self, make_index: IndexFactory) -> SearchIndex:
        """An index of ``SCHEMA`` holding ``REQUESTS``."""
        index = make_index(SCHEMA)
        index.upsert(REQUESTS)
        return index

    def test_an_upsert_is_searchable_as_soon_as_it_returns(self, index: SearchIndex) -> None:
        index.upsert([{"request_id": "r9", "party_id": "p9", "text": "nouveau", "sent_time": T0}])

        assert ids(index.search(Term("request_id", "r9"), 10)) == ["r9"]
        assert ids(index.search(Term("party_id", "p9"), 10)) == ["r9"]

    def test_count_is_the_number_of_documents(self, index: SearchIndex) -> None:
        assert index.count() == len(REQUESTS)

    def test_an_upsert_replaces_the_document_of_the_same_id(self, index: SearchIndex) -> None:
        index.upsert([{"request_id": "r4", "party_id": "p4", "text": "sinistre dégât des eaux"}])

        assert index.count() == len(REQUESTS)
        assert ids(index.search(Term("party_id", "p3"), 10)) == []
        assert ids(index.search(Term("party_id", "p4"), 10)) == ["r4"]
        assert ids(index.search(Matches("text", "adresse"), 10)) == []
        assert ids(index.search(Matches("text", "sinistre"), 10)) == ["r4"]

    def test_a_batch_repeating_an_id_keeps_the_last(self, make_index: IndexFactory) -> None:
        index = make_index(SCHEMA)

        index.upsert(
            [
                {"request_id": "r1", "party_id": "first", "text": "un"},
                {"request_id": "r1", "party_id": "last", "text": "deux"},
            ]
        )

        assert index.count() == 1
        assert ids(index.search(Term("party_id", "last"), 10)) == ["r1"]

    def test_delete_removes_documents_by_id(self, index: SearchIndex) -> None:
        index.delete(["r1", "r3", "unknown"])

        assert index.count() == 2
        assert id_set(index.search(Matches("text", "résiliation facture"), 10)) == {"r2"}
        assert ids(index.search(Term("request_id", "r1"), 10)) == []

    def test_empty_writes_change_nothing(self, index: SearchIndex) -> None:
        index.upsert([])
        index.delete([])

        assert index.count() == len(REQUESTS)

    def test_reset_empties_the_index(self, index: SearchIndex) -> None:
        index.reset()

        assert index.count() == 0
        assert index.search(Term("party_id", "p1"), 10) == []
        assert not index.needs_rebuild()

    def test_term_matches_a_keyword_exactly(self, index: SearchIndex) -> None:
        assert id_set(index.search(Term("party_id", "p1"), 10)) == {"r1", "r2"}
        assert ids(index.search(Term("party_id", "P1"), 10)) == []
        assert ids(index.search(Term("party_id", "p"), 10)) == []

    def test_term_matches_any_value_of_a_multi_valued_keyword(self, index: SearchIndex) -> None:
        assert ids(index.search(Term("references", "CTR20240871"), 10)) == ["r1"]
        assert ids(index.search(Term("references", "SIN77"), 10)) == ["r1"]
        assert ids(index.search(Term("references", "FAC12345"), 10)) == ["r2"]

    def test_any_term_matches_documents_holding_one_of_the_values(self, index: SearchIndex) -> None:
        query = AnyTerm("references", ("SIN77", "FAC12345", "NOWHERE"))

        assert id_set(index.search(query, 10)) == {"r1", "r2"}

    def test_any_term_of_no_values_matches_nothing(self, index: SearchIndex) -> None:
        assert index.search(AnyTerm("references", ()), 10) == []

    def test_range_bounds_are_inclusive(self, index: SearchIndex) -> None:
        query = Range("sent_time", low=T0 + DAY, high=T0 + 2 * DAY)

        assert id_set(index.search(query, 10)) == {"r2", "r3"}

    def test_range_with_one_bound(self, index: SearchIndex) -> None:
        assert id_set(index.search(Range("sent_time", low=T0 + 2 * DAY), 10)) == {"r3", "r4"}
        assert id_set(index.search(Range("sent_time", high=T0), 10)) == {"r1"}

    def test_range_without_bounds_matches_every_timed_document(self, index: SearchIndex) -> None:
        index.upsert([{"request_id": "untimed", "text": "sans date"}])

        assert id_set(index.search(Range("sent_time"), 10)) == {"r1", "r2", "r3", "r4"}

    def test_matches_finds_documents_sharing_a_word(self, index: SearchIndex) -> None:
        assert id_set(index.search(Matches("text", "adresse"), 10)) == {"r4"}
        assert id_set(index.search(Matches("text", "facture"), 10)) == {"r2", "r3"}
        assert index.search(Matches("text", "photovoltaïque"), 10) == []

    @pytest.mark.parametrize("text", ["", "   ", "?!… -- ::", "«»"])
    def test_matches_without_words_matches_nothing(self, index: SearchIndex, text: str) -> None:
        assert index.search(Matches("text", text), 10) == []

    def test_matches_treats_query_syntax_as_plain_text(self, index: SearchIndex) -> None:
        text = 'text:adresse +(facture) "contrat" -abonnement* [a TO z] ^2 \\ / {}'

        assert id_set(index.search(Matches("text", text), 10)) == {"r1", "r2", "r3", "r4"}

    def test_matches_treats_capitalised_operators_as_words(self, index: SearchIndex) -> None:
        # Scanned letters are often in capitals: "OR", "AND", "NOT" are words there.
        found = index.search(Matches("text", "ADRESSE OR FACTURE AND NOT CONTRAT"), 10)

        assert id_set(found) == {"r1", "r2", "r3", "r4"}

    def test_text_folds_case_and_accents(self, index: SearchIndex) -> None:
        assert id_set(index.search(Matches("text", "reclamation"), 10)) == {"r2"}
        assert id_set(index.search(Matches("text", "Réclamation"), 10)) == {"r2"}
        assert id_set(index.search(Matches("text", "ELECTRICITE"), 10)) == {"r2"}
        assert id_set(index.search(Matches("text", "ÉLECTRICITÉ"), 10)) == {"r2"}

    def test_text_is_stemmed_for_french_plurals(self, index: SearchIndex) -> None:
        assert id_set(index.search(Matches("text", "factures"), 10)) == {"r2", "r3"}
        assert id_set(index.search(Matches("text", "contrats"), 10)) == {"r1"}
        assert id_set(index.search(Matches("text", "abonnements"), 10)) == {"r3"}

    def test_boolean_must_requires_every_clause(self, index: SearchIndex) -> None:
        query = Boolean(must=(Term("party_id", "p1"), Matches("text", "facture")))

        assert ids(index.search(query, 10)) == ["r2"]

    def test_boolean_should_only_requires_one_clause(self, index: SearchIndex) -> None:
        query = Boolean(should=(Term("party_id", "p2"), Term("references", "SIN77")))

        assert id_set(index.search(query, 10)) == {"r1", "r3"}

    def test_boolean_should_ranks_but_does_not_restrict_must(self, index: SearchIndex) -> None:
        query = Boolean(must=(Term("party_id", "p1"),), should=(Matches("text", "facture"),))

        hits = index.search(query, 10)

        assert ids(hits) == ["r2", "r1"]
        assert hits[0].score > hits[1].score

    def test_boolean_filter_restricts_without_scoring(self, index: SearchIndex) -> None:
        filtered = index.search(Boolean(filter=(Range("sent_time", low=T0 + DAY),)), 10)

        assert id_set(filtered) == {"r2", "r3", "r4"}
        assert len({hit.score for hit in filtered}) == 1

    def test_boolean_filter_with_should_ranks_by_should(self, index: SearchIndex) -> None:
        query = Boolean(
            should=(Matches("text", "résilier abonnement facture"),),
            filter=(Range("sent_time", low=T0 + DAY),),
        )

        assert ids(index.search(query, 10)) == ["r3", "r2"]

    def test_boolean_must_not_only_matches_every_other_document(self, index: SearchIndex) -> None:
        query = Boolean(must_not=(Term("party_id", "p1"),))

        assert id_set(index.search(query, 10)) == {"r3", "r4"}

    def test_boolean_must_not_excludes_from_must(self, index: SearchIndex) -> None:
        query = Boolean(must=(Matches("text", "facture"),), must_not=(Term("party_id", "p2"),))

        assert ids(index.search(query, 10)) == ["r2"]

    def test_booleans_nest(self, index: SearchIndex) -> None:
        query = Boolean(
            must=(Boolean(should=(Term("party_id", "p2"), AnyTerm("references", ("SIN77",)))),),
            filter=(Range("sent_time", high=T0 + DAY),),
        )

        assert ids(index.search(query, 10)) == ["r1"]

    def test_search_returns_at_most_limit_hits(self, index: SearchIndex) -> None:
        query = Boolean(must_not=(Term("party_id", "nobody"),))

        assert len(index.search(query, 2)) == 2
        assert len(index.search(query, 1)) == 1
        assert len(index.search(query, 100)) == len(REQUESTS)

    def test_search_with_a_limit_of_zero_returns_nothing(self, index: SearchIndex) -> None:
        assert index.search(Term("party_id", "p1"), 0) == []

    def test_hits_come_best_first(self, index: SearchIndex) -> None:
        index.upsert(
            [
                {"request_id": "x1", "text": "compteur"},
                {"request_id": "x2", "text": "compteur gaz relevé"},
                {"request_id": "x3", "text": "compteur gaz relevé erroné"},
            ]
        )

        hits = index.search(Matches("text", "compteur gaz relevé erroné"), 10)

        assert ids(hits) == ["x3", "x2", "x1"]
        assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
        assert all(isinstance(hit.score, float) for hit in hits)

    def test_best_first_survives_the_limit(self, index: SearchIndex) -> None:
        index.upsert(
            [
                {"request_id": "x1", "text": "compteur"},
                {"request_id": "x2", "text": "compteur gaz relevé erroné"},
            ]
        )

        assert ids(index.search(Matches("text", "compteur gaz relevé erroné"), 1)) == ["x2"]


SCHEMA_V2 = IndexSchema(SCHEMA.name, SCHEMA.version + 1, SCHEMA.id_field, SCHEMA.fields)
"""The same fields under a new version (e.g. a changed analyser): a rebuild is needed."""

SCHEMA_V3 = IndexSchema(
    SCHEMA.name,
    SCHEMA.version + 2,
    SCHEMA.id_field,
    (*SCHEMA.fields, IndexField("case_id", FieldKind.KEYWORD)),
)
"""A new version with one more field."""


class PersistentIndexContract(SearchIndexContract):
    """What an adapter whose index outlives the object SHALL also do.

    ``make_index`` opens the same storage each time it is called within a test.
    """

    def test_fresh_storage_needs_a_build(self, make_index: IndexFactory) -> None:
        assert make_index(SCHEMA).needs_rebuild()

    def test_documents_and_version_survive_reopening(self, make_index: IndexFactory) -> None:
        first = make_index(SCHEMA)
        first.reset()
        first.upsert(REQUESTS)
        first.close()
        del first

        again = make_index(SCHEMA)

        assert not again.needs_rebuild()
        assert again.count() == len(REQUESTS)
        assert id_set(again.search(Term("party_id", "p1"), 10)) == {"r1", "r2"}

    def test_another_version_needs_a_rebuild_until_reset(self, make_index: IndexFactory) -> None:
        first = make_index(SCHEMA)
        first.reset()
        first.upsert(REQUESTS)
        first.close()
        del first

        newer = make_index(SCHEMA_V2)
        assert newer.needs_rebuild()
        newer.reset()

        assert not newer.needs_rebuild()
        assert newer.count() == 0
        newer.upsert(REQUESTS[:1])
        assert ids(newer.search(Term("party_id", "p1"), 10)) == ["r1"]

    def test_a_version_with_other_fields_opens_and_needs_a_rebuild(
        self, make_index: IndexFactory
    ) -> None:
        first = make_index(SCHEMA)
        first.reset()
        first.upsert(REQUESTS)
        first.close()
        del first

        newer = make_index(SCHEMA_V3)
        assert newer.needs_rebuild()
        newer.reset()

        assert newer.count() == 0
        newer.upsert([{"request_id": "r1", "case_id": "case-1", "text": "résiliation"}])
        assert ids(newer.search(Term("case_id", "case-1"), 10)) == ["r1"]
