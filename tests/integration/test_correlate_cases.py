"""The cases API of a served correlate service, on SQLite and PostgreSQL: statuses that mean what
they say, merged ids resolving through GetCase, undo, split, close and reopen, the timeline, and
threading by case reference."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from chassis.errors import read_error_details
from conflux.correlate.v1 import correlate_service_pb2 as pb
from conflux.correlate.v1 import correlate_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from tests.support.suite import running_suite

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TERMINATION = "Je demande la résiliation de mon contrat habitation au 31 mars."
METER = "Le compteur de gaz affiche un relevé erroné depuis janvier."


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def stub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[pb_grpc.CorrelateServiceAsyncStub]:
    """The correlate service alone."""
    async with running_suite(
        tmp_path_factory.mktemp("correlate"), backend=request.param, only=["correlate"]
    ) as running:
        yield pb_grpc.CorrelateServiceStub(running.channel)


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


async def _correlate(
    stub: pb_grpc.CorrelateServiceAsyncStub,
    party: str,
    text: str,
    *,
    channel: int = channel_pb2.CHANNEL_EMAIL,
    hours: int = 0,
    subject: str = "",
    case_references: tuple[str, ...] = (),
) -> pb.CorrelateResponse:
    request = pb.QualifiedRequest(
        request_id=f"req-{secrets.token_hex(6)}",
        channel=channel,
        party_id=party,
        category="termination" if text == TERMINATION else "meter",
        subject=subject,
        text=text,
        case_references=case_references,
    )
    request.sent_time.CopyFrom(_stamp(MONDAY + timedelta(hours=hours)))
    return await stub.Correlate(pb.CorrelateRequest(request=request))


def _party() -> str:
    return f"party-{secrets.token_hex(4)}"


async def test_a_case_timeline_spans_channels_in_time_order(
    stub: pb_grpc.CorrelateServiceAsyncStub,
) -> None:
    party = _party()
    call = await _correlate(stub, party, TERMINATION, channel=channel_pb2.CHANNEL_PHONE, hours=5)
    letter = await _correlate(stub, party, TERMINATION, channel=channel_pb2.CHANNEL_MAIL)

    case = (await stub.GetCase(pb.GetCaseRequest(case_id=call.case_id))).case

    assert letter.decision == pb.DECISION_DUPLICATE
    assert [r.channel for r in case.requests] == [
        channel_pb2.CHANNEL_MAIL,
        channel_pb2.CHANNEL_PHONE,
    ]
    assert case.requests[0].matched_request_id == case.requests[1].request_id
    assert case.requests[0].explanation.startswith("duplicate of")


async def test_a_merged_id_resolves_to_the_survivor_until_the_merge_is_undone(
    stub: pb_grpc.CorrelateServiceAsyncStub,
) -> None:
    party = _party()
    survivor = await _correlate(stub, party, TERMINATION)
    merged = await _correlate(stub, party, METER, channel=channel_pb2.CHANNEL_SMS)

    merge = await stub.MergeCases(
        pb.MergeCasesRequest(case_id=survivor.case_id, merged_case_id=merged.case_id)
    )
    resolved = await stub.GetCase(pb.GetCaseRequest(case_id=merged.case_id))
    undone = await stub.UnmergeCase(pb.UnmergeCaseRequest(case_id=merged.case_id))
    back = await stub.GetCase(pb.GetCaseRequest(case_id=merged.case_id))

    assert len(merge.case.requests) == 2
    assert list(merge.case.merged_case_ids) == [merged.case_id]
    assert resolved.case.case_id == survivor.case_id
    assert undone.case.case_id == merged.case_id
    assert back.case.case_id == merged.case_id
    assert back.case.state == pb.CASE_STATE_OPEN


async def test_split_close_and_reopen(stub: pb_grpc.CorrelateServiceAsyncStub) -> None:
    party = _party()
    first = await _correlate(stub, party, TERMINATION)
    second = await _correlate(stub, party, TERMINATION, hours=1)
    second_id = (await stub.GetCase(pb.GetCaseRequest(case_id=first.case_id))).case.requests[1]

    split = await stub.SplitCase(
        pb.SplitCaseRequest(case_id=first.case_id, request_ids=[second_id.request_id])
    )
    closed = await stub.CloseCase(
        pb.CloseCaseRequest(case_id=split.case.case_id, close_time=_stamp(MONDAY))
    )
    reopened = await stub.ReopenCase(pb.ReopenCaseRequest(case_id=split.case.case_id))

    assert second.case_id == first.case_id
    assert split.case.split_from_case_id == first.case_id
    assert closed.case.state == pb.CASE_STATE_CLOSED
    assert closed.case.close_time.ToDatetime(tzinfo=UTC) == MONDAY
    assert reopened.case.state == pb.CASE_STATE_OPEN
    assert not reopened.case.HasField("close_time")


async def test_a_reference_from_the_channel_threads_only_the_same_party(
    stub: pb_grpc.CorrelateServiceAsyncStub,
) -> None:
    party = _party()
    original = await _correlate(stub, party, TERMINATION)

    reply = await _correlate(stub, party, "Oui.", case_references=(original.case_id,))
    intruder = await _correlate(stub, _party(), "Oui.", case_references=(original.case_id,))

    assert reply.decision == pb.DECISION_DUPLICATE
    assert reply.case_id == original.case_id
    assert intruder.case_id != original.case_id
    assert "another party's" in intruder.explanation


@pytest.mark.parametrize(
    ("call", "message", "code", "reason"),
    [
        ("GetCase", pb.GetCaseRequest(case_id="case-nope"), "NOT_FOUND", "CASE_NOT_FOUND"),
        ("GetCase", pb.GetCaseRequest(), "INVALID_ARGUMENT", "INVALID_REQUEST"),
        (
            "MergeCases",
            pb.MergeCasesRequest(case_id="case-a"),
            "INVALID_ARGUMENT",
            "INVALID_REQUEST",
        ),
        (
            "MergeCases",
            pb.MergeCasesRequest(case_id="case-a", merged_case_id="case-a"),
            "INVALID_ARGUMENT",
            "SAME_CASE",
        ),
        ("UnmergeCase", pb.UnmergeCaseRequest(case_id="case-x"), "NOT_FOUND", "CASE_NOT_FOUND"),
        ("SplitCase", pb.SplitCaseRequest(case_id="case-x"), "INVALID_ARGUMENT", ""),
        ("CloseCase", pb.CloseCaseRequest(case_id="case-x"), "NOT_FOUND", "CASE_NOT_FOUND"),
        ("ReopenCase", pb.ReopenCaseRequest(), "INVALID_ARGUMENT", "INVALID_REQUEST"),
    ],
)
async def test_bad_calls_get_a_status_naming_the_problem(
    stub: pb_grpc.CorrelateServiceAsyncStub, call: str, message: object, code: str, reason: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await getattr(stub, call)(message)

    details = read_error_details(raised.value)
    assert details.code == getattr(grpc.StatusCode, code)
    assert details.reason == (reason or "NOTHING_TO_SPLIT")


async def test_merging_two_parties_cases_is_a_failed_precondition(
    stub: pb_grpc.CorrelateServiceAsyncStub,
) -> None:
    one = await _correlate(stub, _party(), TERMINATION)
    other = await _correlate(stub, _party(), TERMINATION)

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.MergeCases(
            pb.MergeCasesRequest(case_id=one.case_id, merged_case_id=other.case_id)
        )

    details = read_error_details(raised.value)
    assert details.code == grpc.StatusCode.FAILED_PRECONDITION
    assert details.reason == "PARTIES_DIFFER"
