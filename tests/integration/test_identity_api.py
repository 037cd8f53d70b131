"""The identity service over gRPC, on SQLite and PostgreSQL: resolution from every part of a
request, incremental imports, search, confirmation and correction, the enrichment audit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import grpc
import pytest

from conflux.identity.v1 import identity_service_pb2 as pb
from conflux.identity.v1 import identity_service_pb2_grpc as pb_grpc
from tests.support.suite import RunningSuite, running_suite

EMAIL = pb.IDENTIFIER_KIND_EMAIL
PHONE = pb.IDENTIFIER_KIND_PHONE
CUSTOMER = pb.IDENTIFIER_KIND_CUSTOMER_NUMBER


def _party(party_id: str, name: str, **fields: object) -> pb.Party:
    identifiers = [pb.Identifier(kind=k, value=v) for k, v in fields.pop("identifiers", [])]  # type: ignore[attr-defined]
    return pb.Party(party_id=party_id, display_name=name, identifiers=identifiers, **fields)  # type: ignore[arg-type]


PARTIES = [
    _party(
        "P-1",
        "Martine LEMAIRE",
        kind=pb.PARTY_KIND_PERSON,
        given_name="Martine",
        family_name="Lemaire",
        birth_date="1956-04-12",
        postal_addresses=["17 rue des Écoles, 56000 Vannes"],
        identifiers=[(EMAIL, "martine.lemaire@example.net"), (CUSTOMER, "CLI604812")],
    ),
    _party(
        "P-2",
        "Sarah Bennett",
        kind=pb.PARTY_KIND_PERSON,
        postal_addresses=["221B Baker Street, London NW1 6XE"],
        identifiers=[(PHONE, "+447700900123")],
    ),
    _party(
        "P-3",
        "Martin Lemaître",
        kind=pb.PARTY_KIND_PERSON,
        postal_addresses=["3 place du Marché, 13001 Marseille"],
    ),
    _party("O-1", "Atelier Morel SARL", kind=pb.PARTY_KIND_ORGANISATION),
]
LETTER = """Martine Lemaire
17 rue des Ecoles
56000 VANNES

Objet : résiliation

Madame, Monsieur,
je vous demande de résilier mon contrat. Vous pouvez me joindre au O6 39 98 14 27.

Cordialement,
Martine Lemaire
"""


async def _import(
    stub: pb_grpc.IdentityServiceAsyncStub, changes: Sequence[pb.ImportPartiesRequest]
) -> pb.ImportPartiesResponse:
    async def stream() -> AsyncIterator[pb.ImportPartiesRequest]:
        for change in changes:
            yield change

    return await stub.ImportParties(stream())


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def suite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSuite]:
    """The identity service alone, with four parties."""
    directory = tmp_path_factory.mktemp("identity")
    async with running_suite(directory, backend=request.param, only=["identity"]) as running:
        stub = pb_grpc.IdentityServiceStub(running.channel)
        report = await _import(stub, [pb.ImportPartiesRequest(party=p) for p in PARTIES])
        assert (report.created_count, list(report.rejections)) == (4, [])
        yield running


def _stub(suite: RunningSuite) -> pb_grpc.IdentityServiceAsyncStub:
    return pb_grpc.IdentityServiceStub(suite.channel)


async def test_a_letter_without_any_identifier_is_identified_by_name_and_address(
    suite: RunningSuite,
) -> None:
    response = await _stub(suite).ResolveParty(
        pb.ResolvePartyRequest(
            request_id="letter-1", texts=[pb.TextPart(location="attachment:abc", text=LETTER)]
        )
    )

    assert response.decision == pb.DECISION_IDENTIFIED
    assert response.party_id == "P-1"
    fields = {e.field for e in response.evidence}
    assert {"family_name", "given_name", "street"} <= fields
    assert all(e.party_id == "P-1" for e in response.evidence)
    street = next(e for e in response.evidence if e.field == "street")
    assert street.weight > 0 and street.similarity == pytest.approx(1.0)
    phone = next(f for f in response.found_identifiers if f.kind == PHONE)
    assert (phone.value, phone.repaired, phone.raw) == ("+33639981427", True, "O6 39 98 14 27")


async def test_a_replay_returns_the_kept_resolution(suite: RunningSuite) -> None:
    request = pb.ResolvePartyRequest(
        request_id="letter-1", texts=[pb.TextPart(location="body", text="nothing here")]
    )

    response = await _stub(suite).ResolveParty(request)

    assert (response.decision, response.party_id) == (pb.DECISION_IDENTIFIED, "P-1")


async def test_a_known_sender_address_identifies_and_a_body_phone_is_proposed(
    suite: RunningSuite,
) -> None:
    response = await _stub(suite).ResolveParty(
        pb.ResolvePartyRequest(
            request_id="mail-1",
            sender="Martine.Lemaire@example.net",
            subject="Question",
            texts=[pb.TextPart(location="body", text="Rappelez-moi au 06 39 98 00 11 svp.")],
        )
    )

    assert (response.decision, response.party_id) == (pb.DECISION_IDENTIFIED, "P-1")
    assert response.confidence > 0.99
    (proposal,) = response.enrichments
    assert (proposal.identifier.value, proposal.state) == (
        "+33639980011",
        pb.ENRICHMENT_STATE_PROPOSED,
    )
    party = (await _stub(suite).GetParty(pb.GetPartyRequest(party_id="P-1"))).party
    assert "+33639980011" not in {i.value for i in party.identifiers}


async def test_a_name_shared_by_nobody_else_from_an_unknown_address_is_not_enough(
    suite: RunningSuite,
) -> None:
    response = await _stub(suite).ResolveParty(
        pb.ResolvePartyRequest(
            request_id="sms-unknown",
            sender="+33699999999",
            texts=[pb.TextPart(location="body", text="Bonjour, un renseignement svp")],
        )
    )

    assert response.decision == pb.DECISION_UNKNOWN
    assert response.party_id == ""


async def test_confirming_a_new_sender_feeds_history_and_enrichment(suite: RunningSuite) -> None:
    stub = _stub(suite)
    first = await stub.ResolveParty(
        pb.ResolvePartyRequest(
            request_id="sms-1",
            sender="+447700900999",
            texts=[pb.TextPart(location="body", text="Hello, this is Sarah, new phone.")],
        )
    )
    assert first.decision != pb.DECISION_IDENTIFIED

    confirmed = await stub.ConfirmResolution(
        pb.ConfirmResolutionRequest(request_id="sms-1", party_id="P-2", actor="agent.dupuis")
    )

    assert (confirmed.party_id, confirmed.confirmed_by) == ("P-2", "agent.dupuis")
    (added,) = confirmed.enrichments
    assert (added.identifier.value, added.state) == ("+447700900999", pb.ENRICHMENT_STATE_APPLIED)
    later = await stub.ResolveParty(
        pb.ResolvePartyRequest(
            request_id="sms-2",
            sender="+447700900999",
            texts=[pb.TextPart(location="body", text="Any news?")],
        )
    )
    assert (later.decision, later.party_id) == (pb.DECISION_IDENTIFIED, "P-2")

    reverted = await stub.RevertEnrichment(
        pb.RevertEnrichmentRequest(enrichment_id=added.enrichment_id, actor="agent.dupuis")
    )
    assert reverted.enrichment.state == pb.ENRICHMENT_STATE_REVERTED
    party = (await stub.GetParty(pb.GetPartyRequest(party_id="P-2"))).party
    assert "+447700900999" not in {i.value for i in party.identifiers}


async def test_a_correction_reverts_what_the_wrong_party_got(suite: RunningSuite) -> None:
    stub = _stub(suite)
    resolved = await stub.ResolveParty(
        pb.ResolvePartyRequest(
            request_id="mail-2",
            sender="martine.lemaire@example.net",
            texts=[pb.TextPart(location="body", text="Mon fils écrit de anne.l@example.org")],
        )
    )
    assert resolved.party_id == "P-1"
    proposals = await stub.ListEnrichments(
        pb.ListEnrichmentsRequest(party_id="P-1", state=pb.ENRICHMENT_STATE_PROPOSED)
    )
    assert "anne.l@example.org" in {e.identifier.value for e in proposals.enrichments}

    corrected = await stub.ConfirmResolution(
        pb.ConfirmResolutionRequest(request_id="mail-2", party_id="P-3", actor="agent.b")
    )

    assert corrected.corrected
    rejected = await stub.ListEnrichments(
        pb.ListEnrichmentsRequest(party_id="P-1", state=pb.ENRICHMENT_STATE_REJECTED)
    )
    entry = next(e for e in rejected.enrichments if e.request_id == "mail-2")
    assert (entry.decided_by, "corrected to P-3" in entry.note) == ("agent.b", True)


async def test_accepting_and_rejecting_proposals(suite: RunningSuite) -> None:
    stub = _stub(suite)
    listed = await stub.ListEnrichments(
        pb.ListEnrichmentsRequest(party_id="P-1", state=pb.ENRICHMENT_STATE_PROPOSED)
    )
    proposal = next(e for e in listed.enrichments if e.identifier.value == "+33639980011")

    accepted = await stub.AcceptEnrichment(
        pb.AcceptEnrichmentRequest(enrichment_id=proposal.enrichment_id, actor="agent.c")
    )

    assert accepted.enrichment.state == pb.ENRICHMENT_STATE_APPLIED
    party = (await stub.GetParty(pb.GetPartyRequest(party_id="P-1"))).party
    added = next(i for i in party.identifiers if i.value == "+33639980011")
    assert added.source == pb.IDENTIFIER_SOURCE_ENRICHMENT
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.RejectEnrichment(
            pb.RejectEnrichmentRequest(enrichment_id=proposal.enrichment_id, actor="agent.c")
        )
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION


async def test_a_crm_update_keeps_enriched_identifiers_and_ignores_older_changes(
    suite: RunningSuite,
) -> None:
    stub = _stub(suite)
    newer = datetime(2026, 5, 1, tzinfo=UTC)
    older = datetime(2026, 4, 1, tzinfo=UTC)
    moved = pb.Party()
    moved.CopyFrom(PARTIES[0])
    del moved.postal_addresses[:]
    moved.postal_addresses.append("5 avenue Foch, 75016 Paris")
    update = pb.ImportPartiesRequest(party=moved, action=pb.CHANGE_ACTION_UPSERT)
    update.change_time.FromDatetime(newer)
    stale = pb.ImportPartiesRequest(party=PARTIES[0])
    stale.change_time.FromDatetime(older)

    report = await _import(stub, [update, stale])

    assert (report.updated_count, report.ignored_count) == (1, 1)
    party = (await stub.GetParty(pb.GetPartyRequest(party_id="P-1"))).party
    assert list(party.postal_addresses) == ["5 avenue Foch, 75016 Paris"]
    assert "+33639980011" in {i.value for i in party.identifiers}


async def test_search_finds_parties_by_misspelt_name(suite: RunningSuite) -> None:
    found = await _stub(suite).SearchParties(pb.SearchPartiesRequest(query="Sara Benett"))

    assert found.matches[0].party.party_id == "P-2"
    assert found.matches[0].evidence


async def test_deactivated_parties_are_not_matched_and_erased_ones_are_gone(
    suite: RunningSuite,
) -> None:
    stub = _stub(suite)
    deactivate = pb.ImportPartiesRequest(
        party=pb.Party(party_id="O-1"), action=pb.CHANGE_ACTION_DEACTIVATE
    )
    erase = pb.ImportPartiesRequest(party=pb.Party(party_id="P-3"), action=pb.CHANGE_ACTION_ERASE)
    missing = pb.ImportPartiesRequest(party=pb.Party(party_id="P-9"), action=pb.CHANGE_ACTION_ERASE)

    report = await _import(stub, [deactivate, erase, missing])

    assert (report.deactivated_count, report.erased_count) == (1, 1)
    assert [r.party_id for r in report.rejections] == ["P-9"]
    party = (await stub.GetParty(pb.GetPartyRequest(party_id="O-1"))).party
    assert party.state == pb.PARTY_STATE_INACTIVE
    found = await stub.SearchParties(pb.SearchPartiesRequest(query="Atelier Morel"))
    assert "O-1" not in {m.party.party_id for m in found.matches}
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await stub.GetParty(pb.GetPartyRequest(party_id="P-3"))
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    "request_message",
    [
        pb.ConfirmResolutionRequest(request_id="letter-1", party_id="P-1"),
        pb.ConfirmResolutionRequest(party_id="P-1", actor="a"),
    ],
)
async def test_a_confirmation_needs_request_party_and_actor(
    suite: RunningSuite, request_message: pb.ConfirmResolutionRequest
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _stub(suite).ConfirmResolution(request_message)

    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT


async def test_confirming_an_unresolved_request_is_not_found(suite: RunningSuite) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _stub(suite).ConfirmResolution(
            pb.ConfirmResolutionRequest(request_id="never", party_id="P-1", actor="a")
        )

    assert refused.value.code() is grpc.StatusCode.NOT_FOUND


async def test_lists_page_through(suite: RunningSuite) -> None:
    stub = _stub(suite)
    first = await stub.ListParties(pb.ListPartiesRequest(page_size=2))
    second = await stub.ListParties(
        pb.ListPartiesRequest(page_size=2, page_token=first.next_page_token)
    )

    ids = [p.party_id for p in [*first.parties, *second.parties]]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids) >= 3
