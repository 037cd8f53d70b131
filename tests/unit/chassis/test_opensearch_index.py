"""The OpenSearch adapter: the ``SearchIndex`` contract against a live server when
``OPENSEARCH_URL`` names one, and, always, the requests it sends checked against OpenSearch's
published REST API specification (``../shared/data/opensearch_api_spec``).

No OpenSearch server can be installed on the machines this project is built on. The spec tests
use a recording connection: the adapter and the real opensearch-py client build and serialise
every request, and the connection records it instead of sending it, answering with the
smallest response that lets the adapter go on (an empty hit list, an acknowledgement). What is
checked is our requests, not the server's behaviour: that only the live tests show.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from opensearchpy import Connection, OpenSearch

from chassis.errors import UnavailableError
from chassis.search import (
    AnyTerm,
    Boolean,
    IndexSchema,
    Matches,
    Query,
    Range,
    SearchIndex,
    Term,
)
from chassis.search.opensearch_index import (
    VERSION_META,
    OpenSearchIndex,
    OpenSearchRejectedError,
    connect,
)
from tests.unit.chassis.opensearch_spec import (
    SPEC_DIR,
    OpenSearchSpec,
    RecordedRequest,
    SpecViolationError,
    load_spec,
)
from tests.unit.chassis.search_contract import (
    DAY,
    REQUESTS,
    SCHEMA,
    SCHEMA_V2,
    T0,
    IndexFactory,
    PersistentIndexContract,
)

# ---------------------------------------------------------------- a live server, when given


def _live_client() -> OpenSearch:
    url = os.environ.get("OPENSEARCH_URL", "")
    if not url:
        pytest.skip("OPENSEARCH_URL is not set: no OpenSearch server to run the contract against")
    client = connect(url)
    if not client.ping():
        pytest.skip(f"OPENSEARCH_URL={url} does not answer")
    return client


class TestLiveServer(PersistentIndexContract):
    """The contract against the server named by ``OPENSEARCH_URL`` (skipped without one)."""

    @pytest.fixture
    def make_index(self) -> Iterator[IndexFactory]:
        client = _live_client()
        namespace = f"conflux-test-{secrets.token_hex(4)}"

        def make(schema: IndexSchema) -> SearchIndex:
            return OpenSearchIndex(schema, client, namespace)

        yield make
        client.indices.delete(index=f"{namespace}-*", ignore_unavailable=True)
        client.indices.delete_index_template(name=f"{namespace}-{SCHEMA.name}", ignore=[404])
        client.close()


# ---------------------------------------------------------------- the requests, against the spec

requires_spec = pytest.mark.skipif(
    not SPEC_DIR.is_dir(),
    reason=f"the OpenSearch API specification is not at {SPEC_DIR} (../shared/data is absent)",
)

ALIAS = "conflux-contract_requests"


@dataclass
class Exchange:
    """What the recording connection saw, and the state its answers describe."""

    requests: list[RecordedRequest] = field(default_factory=list)
    indices_behind_alias: list[str] = field(default_factory=list)
    built_version: int | None = None
    bulk_failures: Mapping[str, tuple[int, str]] = field(default_factory=dict)

    def answer(self, method: str, path: str, body: str | None) -> tuple[int, Any]:
        """The status and body a server in this state would answer."""
        if method == "HEAD":
            return (200 if self.indices_behind_alias else 404), None
        if path.endswith("/_bulk"):
            return 200, self._bulk_answer(body or "")
        if path.endswith("/_search"):
            return 200, {"hits": {"hits": [{"_id": "r1", "_score": 1.5}]}}
        if path.endswith("/_count"):
            return 200, {"count": 4}
        if path.endswith("/_mapping"):
            if not self.indices_behind_alias:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            meta = {} if self.built_version is None else {VERSION_META: self.built_version}
            return 200, {name: {"mappings": {"_meta": meta}} for name in self.indices_behind_alias}
        if path.endswith("/_alias"):
            return 200, {name: {"aliases": {ALIAS: {}}} for name in self.indices_behind_alias}
        return 200, {"acknowledged": True}

    def _bulk_answer(self, body: str) -> dict[str, Any]:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items = []
        for line in lines:
            if "index" in line or "delete" in line:
                (action,) = line
                identifier = line[action]["_id"]
                status, error = self.bulk_failures.get(identifier, (200, ""))
                result: dict[str, Any] = {"_id": identifier, "status": status}
                if error:
                    result["error"] = {"type": error}
                items.append({action: result})
        return {"errors": any("error" in next(iter(i.values())) for i in items), "items": items}


class RecordingConnection(Connection):
    """An opensearch-py connection that records each request instead of sending it."""

    def __init__(self, exchange: Exchange, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exchange = exchange

    def perform_request(  # noqa: PLR0917 (opensearch-py's signature)
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,
        ignore: Collection[int] = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """Records the request; answers as ``Exchange.answer`` says."""
        full = url + (f"?{urlencode(params)}" if params else "")
        text = body.decode() if isinstance(body, bytes) else body
        self.exchange.requests.append(RecordedRequest(method, full, text))
        status, answer = self.exchange.answer(method, url, text)
        raw = "" if answer is None else json.dumps(answer)
        if not 200 <= status < 300 and status not in ignore:
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw


@pytest.fixture
def exchange() -> Exchange:
    """A fresh recording, with no index on the 'server'."""
    return Exchange()


@pytest.fixture
def recorded(exchange: Exchange) -> OpenSearchIndex:
    """An adapter whose client records its requests in ``exchange``."""
    client = OpenSearch(
        hosts=[{"host": "recorded.invalid", "port": 9200}],
        connection_class=RecordingConnection,
        exchange=exchange,
    )
    return OpenSearchIndex(SCHEMA, client)


@pytest.fixture(scope="module")
def spec() -> OpenSearchSpec:
    """The published specification."""
    if not SPEC_DIR.is_dir():
        pytest.skip(f"the OpenSearch API specification is not at {SPEC_DIR}")
    return load_spec()


def _checked(spec: OpenSearchSpec, exchange: Exchange) -> list[str]:
    """Every recorded request's operation id, each request checked against the spec."""
    return [spec.check(request).operation_id.rsplit(".", 1)[0] for request in exchange.requests]


def _query_of(request: RecordedRequest) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query))


@requires_spec
class TestRequestsFollowTheSpecification:
    """Each adapter operation's requests are operations of the spec, with valid bodies."""

    def test_a_first_write_puts_the_template_creates_the_aliased_index_then_bulk_indexes(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        recorded.upsert(REQUESTS)

        assert _checked(spec, exchange) == [
            "indices.exists_alias",
            "indices.put_index_template",
            "indices.create",
            "bulk",
        ]
        create = json.loads(exchange.requests[2].body or "")
        assert urlsplit(exchange.requests[2].url).path.startswith(f"/{ALIAS}-v1-")
        assert create == {"aliases": {ALIAS: {}}}

    def test_writes_wait_for_a_refresh_and_only_ever_name_the_alias(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        recorded.upsert(REQUESTS[:1])
        recorded.delete(["r1", "r2"])

        assert _checked(spec, exchange) == ["indices.exists_alias", "bulk", "bulk"]
        for bulk in exchange.requests[1:]:
            assert urlsplit(bulk.url).path == f"/{ALIAS}/_bulk"
            assert _query_of(bulk) == {"refresh": "wait_for", "require_alias": "true"}

    def test_upsert_sends_action_and_document_pairs(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        recorded.upsert(REQUESTS[:2])

        lines = [json.loads(line) for line in (exchange.requests[-1].body or "").splitlines()]
        assert lines == [
            {"index": {"_id": "r1"}},
            {
                "request_id": "r1",
                "party_id": "p1",
                "references": ["CTR20240871", "SIN77"],
                "text": "Demande de résiliation du contrat habitation",
                "sent_time": T0,
            },
            {"index": {"_id": "r2"}},
            {
                "request_id": "r2",
                "party_id": "p1",
                "references": "FAC12345",
                "text": "RÉCLAMATION sur la facture d'électricité de mars",
                "sent_time": T0 + DAY,
            },
        ]

    def test_delete_sends_delete_actions(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        recorded.delete(["r1", "unknown"])

        lines = [json.loads(line) for line in (exchange.requests[-1].body or "").splitlines()]
        assert lines == [{"delete": {"_id": "r1"}}, {"delete": {"_id": "unknown"}}]

    def test_reset_swaps_the_alias_and_removes_the_old_indices_in_one_call(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1", f"{ALIAS}-v1-2"]

        recorded.reset()

        assert _checked(spec, exchange) == [
            "indices.put_index_template",
            "indices.create",
            "indices.get_alias",
            "indices.update_aliases",
        ]
        fresh = urlsplit(exchange.requests[1].url).path.lstrip("/")
        assert json.loads(exchange.requests[1].body or "") == {
            "mappings": {"_meta": {VERSION_META: 1}}
        }
        assert json.loads(exchange.requests[3].body or "") == {
            "actions": [
                {"add": {"index": fresh, "alias": ALIAS}},
                {"remove_index": {"index": f"{ALIAS}-v1-1"}},
                {"remove_index": {"index": f"{ALIAS}-v1-2"}},
            ]
        }

    def test_the_template_declares_the_analysers_and_strict_mappings(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        recorded.reset()

        template = json.loads(exchange.requests[0].body or "")
        assert template["index_patterns"] == [f"{ALIAS}-v*"]
        analysis = template["template"]["settings"]["index"]["analysis"]
        assert set(analysis["analyzer"]) == {"conflux_french", "conflux_english"}
        mappings = template["template"]["mappings"]
        assert mappings["dynamic"] == "strict"
        assert mappings["properties"]["party_id"] == {"type": "keyword"}
        assert mappings["properties"]["sent_time"] == {"type": "long"}
        assert mappings["properties"]["text"]["analyzer"] == "conflux_french"
        assert mappings["properties"]["text"]["fields"]["english"]["analyzer"] == (
            "conflux_english"
        )

    def test_reads_are_valid_operations(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        hits = recorded.search(Term("party_id", "p1"), 7)
        count = recorded.count()
        recorded.needs_rebuild()

        assert _checked(spec, exchange) == ["search", "count", "indices.get_mapping"]
        assert [hit.id for hit in hits] == ["r1"]
        assert count == 4
        body = json.loads(exchange.requests[0].body or "")
        assert body["size"] == 7
        assert body["_source"] is False

    @pytest.mark.parametrize(
        "query",
        [
            Term("party_id", "p1"),
            AnyTerm("references", ("CTR1", "SIN2")),
            AnyTerm("references", ()),
            Range("sent_time", low=T0, high=T0 + DAY),
            Range("sent_time", low=T0),
            Range("sent_time", high=T0),
            Range("sent_time"),
            Matches("text", "Résiliation du contrat"),
            Matches("text", "?!… -- ::"),
            Matches("text", 'text:adresse +(facture) "contrat" -abonnement* [a TO z] ^2 \\'),
            Boolean(must=(Term("party_id", "p1"), Matches("text", "facture"))),
            Boolean(should=(Term("party_id", "p2"), Term("references", "SIN77"))),
            Boolean(should=(Matches("text", "x"),), filter=(Range("sent_time", low=T0),)),
            Boolean(filter=(Range("sent_time", low=T0),)),
            Boolean(must_not=(Term("party_id", "p1"),)),
            Boolean(
                must=(Boolean(should=(Term("party_id", "p2"), AnyTerm("references", ("S",)))),),
                should=(Matches("text", "résiliation"),),
                filter=(Range("sent_time", high=T0 + DAY),),
                must_not=(Term("party_id", "p9"),),
            ),
        ],
        ids=repr,
    )
    def test_every_query_of_the_algebra_is_valid_query_dsl(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex, query: Query
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        recorded.search(query, 10)

        assert _checked(spec, exchange) == ["search"]

    def test_a_long_text_query_stays_under_the_clause_limit(
        self, spec: OpenSearchSpec, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]
        text = " ".join(f"mot{n} MOT{n}" for n in range(5000))

        recorded.search(Matches("text", text), 10)

        assert _checked(spec, exchange) == ["search"]
        matches = json.loads(exchange.requests[0].body or "")["query"]["bool"]["should"]
        words = [m["match"][next(iter(m["match"]))]["query"].split() for m in matches]
        assert all(len(w) == 400 and len(set(w)) == 400 for w in words)


@requires_spec
class TestTheSpecificationCheckHasTeeth:
    """The checker rejects what OpenSearch would: these tests keep the others meaningful."""

    @pytest.mark.parametrize(
        ("method", "url", "body", "complaint"),
        [
            ("PATCH", "/conflux-x/_search", None, "no operation PATCH"),
            ("POST", "/conflux-x/_serch", "{}", "no operation POST"),
            ("POST", "/conflux-x/_bulk?refresh=soon", '{"delete": {"_id": "a"}}\n', "refresh"),
            ("POST", "/conflux-x/_bulk?refrech=true", '{"delete": {"_id": "a"}}\n', "refrech"),
            ("POST", "/conflux-x/_bulk", '{"indx": {"_id": "a"}}\n{}\n', "indx"),
            ("POST", "/conflux-x/_bulk", '{"index": {"_id": "a"}}\n', "no data"),
            ("POST", "/conflux-x/_search", '{"query": {"trem": {"a": "b"}}}', "trem"),
            ("POST", "/conflux-x/_search", '{"query": {"bool": {"musts": []}}}', "musts"),
            ("POST", "/conflux-x/_search", '{"query": {"range": {"t": {"gte": []}}}}', "range"),
            ("POST", "/conflux-x/_search", '{"size": "ten"}', "size"),
            (
                "PUT",
                "/_index_template/x",
                '{"template": {"mappings": {"properties": {"t": {"type": "txt"}}}}}',
                "type",
            ),
        ],
    )
    def test_an_invalid_request_is_rejected(
        self, spec: OpenSearchSpec, method: str, url: str, body: str | None, complaint: str
    ) -> None:
        with pytest.raises(SpecViolationError, match=complaint):
            spec.check(RecordedRequest(method, url, body))


# ---------------------------------------------------------------- behaviour beyond the requests


class TestAdapterBehaviour:
    """What the adapter decides on its own, whatever the server."""

    def test_a_limit_below_one_sends_nothing(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        assert recorded.search(Term("party_id", "p1"), 0) == []
        recorded.upsert([])
        recorded.delete([])

        assert exchange.requests == []

    def test_a_missing_alias_reads_as_an_empty_index_that_needs_a_build(
        self, recorded: OpenSearchIndex
    ) -> None:
        assert recorded.needs_rebuild()

    def test_an_index_built_for_this_version_needs_no_rebuild(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]
        exchange.built_version = SCHEMA.version

        assert not recorded.needs_rebuild()
        assert OpenSearchIndex(SCHEMA_V2, recorded._client).needs_rebuild()

    def test_an_index_created_by_a_first_write_still_needs_a_build(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]

        assert recorded.needs_rebuild()

    def test_should_with_a_filter_still_requires_one_should(
        self, recorded: OpenSearchIndex
    ) -> None:
        query = Boolean(should=(Term("party_id", "p1"),), filter=(Range("sent_time", low=T0),))

        assert recorded.compile(query)["bool"]["minimum_should_match"] == 1
        assert (
            "minimum_should_match"
            not in recorded.compile(
                Boolean(must=(Term("a", "b"),), should=(Term("party_id", "p1"),))
            )["bool"]
        )

    def test_a_rejected_document_raises_naming_it(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]
        exchange.bulk_failures = {"r2": (400, "strict_dynamic_mapping_exception")}

        with pytest.raises(OpenSearchRejectedError, match=r"'r2'.*strict_dynamic_mapping"):
            recorded.upsert(REQUESTS)

    def test_an_overloaded_server_is_unavailable(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]
        exchange.bulk_failures = {"r1": (429, "es_rejected_execution_exception")}

        with pytest.raises(UnavailableError, match="r1"):
            recorded.upsert(REQUESTS)

    def test_deleting_an_unknown_document_is_not_a_failure(
        self, exchange: Exchange, recorded: OpenSearchIndex
    ) -> None:
        exchange.indices_behind_alias = [f"{ALIAS}-v1-1"]
        exchange.bulk_failures = {"unknown": (404, "")}

        recorded.delete(["unknown"])

    def test_an_unreachable_server_is_unavailable(self) -> None:
        # Port 9 (discard) on loopback: nothing listens there on these machines.
        index = OpenSearchIndex(SCHEMA, OpenSearch(hosts=["http://127.0.0.1:9"], max_retries=0))

        with pytest.raises(UnavailableError) as raised:
            index.search(Term("party_id", "p1"), 10)

        assert raised.value.reason == "SEARCH_UNAVAILABLE"

    def test_connect_reads_several_hosts_and_their_credentials(self) -> None:
        client = connect("https://admin:secret@one.invalid:9200, http://two.invalid:9201")

        connections = {c.host: c for c in client.transport.connection_pool.connections}

        assert sorted(connections) == ["http://two.invalid:9201", "https://one.invalid:9200"]
        assert connections["https://one.invalid:9200"].headers["authorization"] == (
            "Basic YWRtaW46c2VjcmV0"
        )
        assert "authorization" not in connections["http://two.invalid:9201"].headers
        client.close()
