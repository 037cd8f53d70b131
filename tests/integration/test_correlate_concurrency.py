"""Two parts of one demand arriving at the same moment through two callers never open two cases:
on PostgreSQL, with real concurrency (threads on two connection pools, as two replicas; two
gRPC clients at once, as two gateway workers)."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from chassis.database import Database
from chassis.migrations import upgrade
from chassis.search.tantivy_index import TantivyIndex
from conflux.correlate.v1 import correlate_service_pb2 as pb
from conflux.correlate.v1 import correlate_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from correlate_svc.decision import Thresholds, Weights
from correlate_svc.ledger import Ledger, NewRequest
from correlate_svc.request_index import SCHEMA
from correlate_svc.service import DEFINITION
from tests.support.databases import postgres_schema
from tests.support.suite import running_suite

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ROUNDS = 20
TEXT = "Je demande la résiliation de mon contrat habitation au 31 mars, merci de confirmer."


def _parts(round_number: int) -> tuple[NewRequest, NewRequest]:
    """An email and its copy by IMAP, of a known party (even rounds) or of an unknown sender
    quoting the same contract (odd rounds)."""
    token = secrets.token_hex(4)
    known = round_number % 2 == 0
    first = NewRequest(
        request_id=f"smtp-{token}",
        channel="email",
        party_id=f"party-{token}" if known else "",
        category="termination",
        subject="Résiliation",
        text=TEXT,
        sent_time=MONDAY,
        references=() if known else (f"CTR{token}",),
    )
    return first, replace(first, request_id=f"imap-{token}")


@pytest.fixture
def replicas() -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers on one PostgreSQL schema, each with its own connection pool."""
    with postgres_schema() as url:
        databases = [Database(url), Database(url)]
        upgrade(databases[0], DEFINITION.migrations, "correlate")
        index = TantivyIndex(SCHEMA, None)
        yield tuple(  # type: ignore[misc]
            Ledger(d, index, Weights(), Thresholds(), timedelta(days=14)) for d in databases
        )
        for database in databases:
            database.dispose()


@pytest.mark.postgres
def test_two_replicas_deciding_at_once_open_one_case(replicas: tuple[Ledger, Ledger]) -> None:
    start = threading.Barrier(2)

    def decide(ledger: Ledger, request: NewRequest) -> str:
        start.wait()
        return ledger.correlate(request).case_id

    with ThreadPoolExecutor(2) as threads:
        for round_number in range(ROUNDS):
            first, second = _parts(round_number)
            cases = list(
                threads.map(decide, replicas, (first, second))  # both released together
            )
            assert cases[0] == cases[1], f"round {round_number}: two cases for one demand"


@pytest.fixture(scope="module")
async def channels(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[list[grpc.aio.Channel]]:
    """Two client channels to a correlate service on PostgreSQL."""
    async with running_suite(
        tmp_path_factory.mktemp("concurrent"), backend="postgres", only=["correlate"]
    ) as running:
        other = grpc.aio.insecure_channel(running.address)
        yield [running.channel, other]
        await other.close()


def _message(request: NewRequest) -> pb.CorrelateRequest:
    qualified = pb.QualifiedRequest(
        request_id=request.request_id,
        channel=channel_pb2.CHANNEL_EMAIL,
        party_id=request.party_id,
        category=request.category,
        subject=request.subject,
        text=request.text,
        references=request.references,
    )
    qualified.sent_time.FromDatetime(request.sent_time)
    return pb.CorrelateRequest(request=qualified)


@pytest.mark.postgres
async def test_two_gateway_callers_at_once_open_one_case(
    channels: list[grpc.aio.Channel],
) -> None:
    stubs = [pb_grpc.CorrelateServiceStub(channel) for channel in channels]
    for round_number in range(ROUNDS):
        first, second = _parts(round_number)

        answers = await asyncio.gather(
            stubs[0].Correlate(_message(first)), stubs[1].Correlate(_message(second))
        )

        assert answers[0].case_id == answers[1].case_id, f"round {round_number}"
        assert sorted(a.decision for a in answers) == [pb.DECISION_DUPLICATE, pb.DECISION_NEW]
