"""The whole pipeline on a real suite: items go from ingest through OCR, identity, classification
and correlation to a qualified request in a case. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

from conflux.gateway.v1 import gateway_service_pb2 as gw
from conflux.gateway.v1 import gateway_service_pb2_grpc as gw_grpc
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli.main import import_parties, train_model
from conflux_cli.submission import wait_for_result
from tests.support.documents import email_bytes, scanned_pdf, text_layer_pdf
from tests.support.suite import RunningSuite, running_suite

SAMPLES = Path(__file__).parents[2] / "samples"
REFERENTIAL = """party_id,kind,display_name,emails,phones,customer_numbers,contract_numbers
P-1,person,Anne Martin,anne.martin@example.com,06 11 22 33 44,CLI100001,CTR-20240001
P-2,person,Bruno Petit,bruno.petit@example.com,+33 6 55 44 33 22,CLI100002,CTR-20240002
P-3,organisation,Atelier Morel,contact@atelier.example.com,,CLI100003,CTR-20240003
"""


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def suite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSuite]:
    """All six services, with a referential and a model."""
    directory = tmp_path_factory.mktemp("pipeline")
    referential = directory / "referential.csv"
    referential.write_text(REFERENTIAL)
    async with running_suite(directory, backend=request.param) as running:
        assert await import_parties(running.address, referential) == 0
        assert await train_model(running.address, SAMPLES / "training.jsonl") == 0
        yield running


async def _submit(suite: RunningSuite, message: pb.SubmitItemRequest) -> gw.Request:
    item = await pb_grpc.IngestServiceStub(suite.channel).SubmitItem(message)
    result = await wait_for_result(suite.channel, item.item.item_id, 120)
    assert result is not None, "no result within 120 s"
    return result


def _email(raw: bytes) -> pb.SubmitItemRequest:
    return pb.SubmitItemRequest(
        header=pb.ItemHeader(channel=channel_pb2.CHANNEL_EMAIL, file_name="mail.eml"), raw=raw
    )


async def test_email_with_pdf_attachment_is_qualified(suite: RunningSuite) -> None:
    form = text_layer_pdf(
        [
            [
                "Declaration de sinistre",
                "Numero client : CLI100003",
                "Degat des eaux dans l'atelier le 2 novembre",
            ]
        ]
    )
    result = await _submit(
        suite,
        _email(
            email_bytes(
                sender="Jean Morel <jean.morel@perso.example.org>",
                subject="Déclaration de sinistre dégât des eaux",
                body="Bonjour, je déclare un sinistre dégât des eaux, formulaire joint.",
                attachments=[("sinistre.pdf", "application/pdf", form)],
                sent=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            )
        ),
    )
    assert result.state == gw.REQUEST_STATE_DONE
    assert result.party_id == "P-3", "identified from the attachment, not from the From address"
    assert result.identity_decision == "identified"
    assert result.identity_confidence >= 0.75
    assert result.category == "claim"
    assert 0 < result.category_probability <= 1
    assert result.correlation == gw.CORRELATION_NEW
    assert result.case_id.startswith("case-")
    assert result.channel == channel_pb2.CHANNEL_EMAIL
    assert result.source.endswith("@example.com")
    assert [s.step for s in result.steps] == [
        gw.STEP_OCR,
        gw.STEP_IDENTIFY,
        gw.STEP_CLASSIFY,
        gw.STEP_CORRELATE,
    ]
    assert all(s.succeeded for s in result.steps)


async def test_scanned_letter_sender_is_identified_from_its_ocr_text(suite: RunningSuite) -> None:
    letter = scanned_pdf(
        [
            "Anne Martin",
            "12 rue des Lilas, 75011 Paris",
            "Client CLI100001",
            "Objet : resiliation du contrat CTR-20240001",
            "Je vous demande de resilier mon contrat.",
        ]
    )
    result = await _submit(
        suite,
        pb.SubmitItemRequest(
            header=pb.ItemHeader(
                channel=channel_pb2.CHANNEL_MAIL,
                file_name="lettre.pdf",
                metadata={"sent_time": "2026-11-03T09:00:00+00:00"},
            ),
            raw=letter,
        ),
    )
    assert result.state == gw.REQUEST_STATE_DONE
    assert result.party_id == "P-1"
    assert result.category == "cancellation"
    assert result.correlation == gw.CORRELATION_NEW


async def test_a_phone_note_about_the_letter_joins_its_case(suite: RunningSuite) -> None:
    gateway = gw_grpc.GatewayServiceStub(suite.channel)
    listed = await gateway.ListRequests(gw.ListRequestsRequest(page_size=100))
    letter = next(r for r in listed.requests if r.source == "lettre.pdf")
    note = await _submit(
        suite,
        pb.SubmitItemRequest(
            header=pb.ItemHeader(channel=channel_pb2.CHANNEL_PHONE),
            message=pb.ShortMessage(
                sender="06 11 22 33 44",
                body="Appel de Mme Martin : elle a envoyé début novembre une lettre pour résilier "
                "son contrat CTR-20240001 et n'a pas de réponse. Elle veut la résiliation.",
            ),
        ),
    )
    assert note.party_id == "P-1"
    assert note.correlation == gw.CORRELATION_DUPLICATE
    assert note.case_id == letter.case_id
    assert note.matched_request_id == letter.request_id
    assert note.correlation_score >= 0.6
    assert "CTR20240001" in note.explanations[-1]


async def test_sms_from_a_known_phone_is_identified(suite: RunningSuite) -> None:
    result = await _submit(
        suite,
        pb.SubmitItemRequest(
            header=pb.ItemHeader(channel=channel_pb2.CHANNEL_SMS),
            message=pb.ShortMessage(
                sender="+33655443322",
                body="Bonjour, mon prélèvement a été rejeté, que dois-je faire ?",
            ),
        ),
    )
    assert result.party_id == "P-2"
    assert result.channel == channel_pb2.CHANNEL_SMS
    assert result.category == "payment_issue"


async def test_unknown_sender_stays_unknown(suite: RunningSuite) -> None:
    result = await _submit(
        suite,
        pb.SubmitItemRequest(
            header=pb.ItemHeader(channel=channel_pb2.CHANNEL_SMS),
            message=pb.ShortMessage(sender="+33700000001", body="Je voudrais un devis."),
        ),
    )
    assert result.state == gw.REQUEST_STATE_DONE
    assert result.party_id == ""
    assert result.identity_decision == "unknown"
    assert result.correlation == gw.CORRELATION_NEW


async def test_two_parts_of_one_demand_arriving_together_make_one_case(
    suite: RunningSuite,
) -> None:
    stub = pb_grpc.IngestServiceStub(suite.channel)
    body = "Je change d'adresse : nouvelle adresse 3 place du Marché, Lyon. Contrat CTR-20240002."
    first, second = await asyncio.gather(
        stub.SubmitItem(
            _email(
                email_bytes(
                    sender="bruno.petit@example.com", subject="Changement d'adresse", body=body
                )
            )
        ),
        stub.SubmitItem(
            pb.SubmitItemRequest(
                header=pb.ItemHeader(channel=channel_pb2.CHANNEL_CHAT),
                message=pb.ShortMessage(sender="bruno.petit@example.com", body=body),
            )
        ),
    )
    results = await asyncio.gather(
        wait_for_result(suite.channel, first.item.item_id, 60),
        wait_for_result(suite.channel, second.item.item_id, 60),
    )
    assert all(r is not None for r in results)
    assert results[0] is not None and results[1] is not None
    assert results[0].case_id == results[1].case_id
    decisions = sorted([results[0].correlation, results[1].correlation])
    assert decisions == [gw.CORRELATION_DUPLICATE, gw.CORRELATION_NEW]


async def test_replay_gives_the_same_case(suite: RunningSuite) -> None:
    gateway = gw_grpc.GatewayServiceStub(suite.channel)
    listed = await gateway.ListRequests(gw.ListRequestsRequest(page_size=100))
    before = next(r for r in listed.requests if r.source == "lettre.pdf")
    replayed = await gateway.ReplayRequest(gw.ReplayRequestRequest(request_id=before.request_id))
    assert replayed.request.state == gw.REQUEST_STATE_PROCESSING
    after = await wait_for_result(suite.channel, before.request_id, 60)
    assert after is not None
    assert after.case_id == before.case_id
    assert after.correlation == before.correlation
    assert after.party_id == before.party_id


async def test_list_requests_pages_newest_first(suite: RunningSuite) -> None:
    gateway = gw_grpc.GatewayServiceStub(suite.channel)
    first = await gateway.ListRequests(gw.ListRequestsRequest(page_size=2))
    second = await gateway.ListRequests(
        gw.ListRequestsRequest(page_size=2, page_token=first.next_page_token)
    )
    ids = [r.request_id for r in first.requests] + [r.request_id for r in second.requests]
    assert len(ids) == len(set(ids)) == 4
    feed = await pb_grpc.IngestServiceStub(suite.channel).ListAcceptedItems(
        pb.ListAcceptedItemsRequest(page_size=1000)
    )
    newest_first = [item.item_id for item in reversed(feed.items)]
    assert ids == newest_first[:4]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await gateway.ListRequests(gw.ListRequestsRequest(page_token="garbage"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
