"""The ingest API on a real server: submissions stored and deduplicated, bad input refused with a
precise status, blobs served in chunks, the accepted feed. On SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from chassis.errors import read_error_details
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from tests.support.documents import email_bytes, scanned_pdf, short_message_json, text_layer_pdf
from tests.support.suite import RunningSuite, running_suite

MAX_ITEM_BYTES = 200_000


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def suite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSuite]:
    """Ingest alone, with a small item size limit."""
    async with running_suite(
        tmp_path_factory.mktemp("ingest"),
        backend=request.param,
        only=["ingest"],
        extra_env={"CONFLUX_INGEST_MAX_ITEM_BYTES": str(MAX_ITEM_BYTES)},
    ) as running:
        yield running


@pytest.fixture
def stub(suite: RunningSuite) -> pb_grpc.IngestServiceAsyncStub:
    """The ingest API."""
    return pb_grpc.IngestServiceStub(suite.channel)


def _raw(channel: int, raw: bytes, name: str = "", media_type: str = "") -> pb.SubmitItemRequest:
    return pb.SubmitItemRequest(
        header=pb.ItemHeader(channel=channel, file_name=name, media_type=media_type), raw=raw
    )


PDF = text_layer_pdf([["Contrat CTR-20240871", "Client CLI482913"]])


async def test_email_with_attachment_is_stored_and_normalised(
    stub: pb_grpc.IngestServiceAsyncStub,
) -> None:
    raw = email_bytes(
        sender="Anne Martin <anne.martin@example.com>",
        subject="Déclaration de sinistre",
        body="Bonjour, voici ma déclaration.",
        attachments=[("declaration.pdf", "application/pdf", PDF)],
        message_id="<sinistre-1@example.com>",
    )
    response = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_EMAIL, raw, "mail.eml"))
    item = response.item
    assert response.created
    assert item.item_id.startswith("req-")
    assert item.source == "sinistre-1@example.com"
    assert item.sender == "anne.martin@example.com"
    assert item.sender_name == "Anne Martin"
    assert item.subject == "Déclaration de sinistre"
    assert "voici ma déclaration" in item.body_text
    assert [a.blob.file_name for a in item.attachments] == ["declaration.pdf"]
    assert item.attachments[0].blob.media_type == "application/pdf"
    assert item.raw.size_bytes == len(raw)
    assert item.state == pb.ITEM_STATE_ACCEPTED


async def test_the_same_message_id_or_the_same_bytes_is_the_same_item(
    stub: pb_grpc.IngestServiceAsyncStub,
) -> None:
    first_raw = email_bytes(
        sender="a@example.com", subject="s", body="b", message_id="<same-id@example.com>"
    )
    again_raw = email_bytes(
        sender="a@example.com", subject="other", body="b", message_id="<same-id@example.com>"
    )
    first = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_EMAIL, first_raw))
    again = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_EMAIL, again_raw))
    assert not again.created
    assert again.item.item_id == first.item.item_id

    scan = scanned_pdf(["Lettre"])
    one = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_MAIL, scan, "a.pdf"))
    two = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_MAIL, scan, "b.pdf"))
    assert one.created and not two.created
    assert two.item.item_id == one.item.item_id


async def test_client_request_id_makes_submissions_idempotent(
    stub: pb_grpc.IngestServiceAsyncStub,
) -> None:
    message = pb.ShortMessage(sender="+33612345678", body="Je rappelle demain")
    header = pb.ItemHeader(channel=channel_pb2.CHANNEL_SMS, request_id="crm-42")
    first = await stub.SubmitItem(pb.SubmitItemRequest(header=header, message=message))
    retried = await stub.SubmitItem(pb.SubmitItemRequest(header=header, message=message))
    assert first.created and not retried.created
    assert retried.item.item_id == first.item.item_id


async def test_short_messages_typed_or_as_json(stub: pb_grpc.IngestServiceAsyncStub) -> None:
    typed = await stub.SubmitItem(
        pb.SubmitItemRequest(
            header=pb.ItemHeader(channel=channel_pb2.CHANNEL_FORM),
            message=pb.ShortMessage(
                sender="paul@example.com", body="Demande", fields={"contrat": "CTR-1234567"}
            ),
        )
    )
    assert "contrat: CTR-1234567" in typed.item.body_text
    assert typed.item.metadata["fields"] == '{"contrat": "CTR-1234567"}'
    as_json = await stub.SubmitItem(
        _raw(
            channel_pb2.CHANNEL_PHONE,
            short_message_json(
                channel="phone",
                sender="+33612345678",
                body="Appel de M. Durand",
                sent_time="2026-11-12T14:05:00+00:00",
            ),
            "note.json",
            "application/json",
        )
    )
    assert as_json.item.sender == "+33612345678"
    assert as_json.item.sent_time.ToJsonString() == "2026-11-12T14:05:00Z"


async def test_blob_is_served_in_chunks_from_an_offset(
    stub: pb_grpc.IngestServiceAsyncStub,
) -> None:
    data = scanned_pdf(["Une page", "de test"]) * 3
    response = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_MAIL, data + b"%%EOF\n", "x.pdf"))
    sha = response.item.attachments[0].blob.sha256
    whole = b"".join([c.chunk async for c in stub.ReadBlob(pb.ReadBlobRequest(sha256=sha))])
    assert whole == data + b"%%EOF\n"
    part = b"".join(
        [c.chunk async for c in stub.ReadBlob(pb.ReadBlobRequest(sha256=sha, offset=10, limit=7))]
    )
    assert part == whole[10:17]


async def test_upload_streams_a_large_item(stub: pb_grpc.IngestServiceAsyncStub) -> None:
    data = text_layer_pdf([[f"ligne {n}" for n in range(40)]] * 20)

    async def parts() -> AsyncIterator[pb.UploadItemRequest]:
        yield pb.UploadItemRequest(
            header=pb.ItemHeader(channel=channel_pb2.CHANNEL_FAX, file_name="fax.pdf")
        )
        for start in range(0, len(data), 1000):
            yield pb.UploadItemRequest(chunk=data[start : start + 1000])

    response = await stub.UploadItem(parts())
    assert response.item.channel == channel_pb2.CHANNEL_FAX
    assert response.item.attachments[0].blob.size_bytes == len(data)


async def test_accepted_feed_pages_with_a_cursor(stub: pb_grpc.IngestServiceAsyncStub) -> None:
    seen: list[int] = []
    token = ""
    while True:
        page = await stub.ListAcceptedItems(
            pb.ListAcceptedItemsRequest(page_size=2, page_token=token)
        )
        assert page.next_page_token
        seen += [item.sequence for item in page.items]
        if not page.items:
            break
        token = page.next_page_token
    assert seen == sorted(seen) and len(seen) == len(set(seen)) and seen
    empty = await stub.ListAcceptedItems(pb.ListAcceptedItemsRequest(page_token=token))
    assert not empty.items and empty.next_page_token == token


TRUNCATED_EMAIL = email_bytes(
    sender="a@example.com",
    subject="s",
    body="b",
    attachments=[("f.pdf", "application/pdf", PDF)],
)[:-200]


@pytest.mark.parametrize(
    ("request_message", "code", "reason", "field"),
    [
        pytest.param(
            _raw(channel_pb2.CHANNEL_EMAIL, TRUNCATED_EMAIL),
            grpc.StatusCode.INVALID_ARGUMENT,
            "MALFORMED_EMAIL",
            "raw",
            id="truncated-email",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_EMAIL, bytes(range(256)) * 4),
            grpc.StatusCode.INVALID_ARGUMENT,
            "MALFORMED_EMAIL",
            "raw",
            id="garbage-bytes",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_EMAIL, b""),
            grpc.StatusCode.INVALID_ARGUMENT,
            "EMPTY_CONTENT",
            "raw",
            id="empty-file",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_MAIL, b"", "scan.pdf", "application/pdf"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "EMPTY_CONTENT",
            "raw",
            id="zero-byte-pdf",
        ),
        pytest.param(
            _raw(
                channel_pb2.CHANNEL_MAIL, b"<html>not a pdf</html>", "scan.pdf", "application/pdf"
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "NOT_A_DOCUMENT",
            "raw",
            id="fake-pdf",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_SMS, short_message_json(channel="sms", body="Bonjour")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_MESSAGE",
            "message.sender",
            id="json-missing-sender",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_SMS, short_message_json(sender="+33612345678")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_MESSAGE",
            "message.body",
            id="json-missing-body",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_SMS, b"{not json"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "MALFORMED_JSON",
            "raw",
            id="json-malformed",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_UNSPECIFIED, b"x"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "MISSING_CHANNEL",
            "header.channel",
            id="missing-channel",
        ),
        pytest.param(
            _raw(channel_pb2.CHANNEL_MAIL, b"%PDF-1.4\n" + b"0" * MAX_ITEM_BYTES + b"%%EOF"),
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "ITEM_TOO_LARGE",
            None,
            id="over-size-limit",
        ),
    ],
)
async def test_bad_input_is_refused_with_a_precise_status(
    stub: pb_grpc.IngestServiceAsyncStub,
    request_message: pb.SubmitItemRequest,
    code: grpc.StatusCode,
    reason: str,
    field: str | None,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.SubmitItem(request_message)
    details = read_error_details(raised.value)
    assert details.code == code
    assert details.reason == reason
    if field is not None:
        assert field in [v.field for v in details.violations]


async def test_nothing_refused_was_stored(stub: pb_grpc.IngestServiceAsyncStub) -> None:
    page = await stub.ListAcceptedItems(pb.ListAcceptedItemsRequest(page_size=1000))
    assert all(item.body_text != "Bonjour" for item in page.items)


async def test_unknown_item_and_blob_are_not_found(stub: pb_grpc.IngestServiceAsyncStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.GetItem(pb.GetItemRequest(item_id="req-unknown"))
    assert read_error_details(raised.value).reason == "ITEM_NOT_FOUND"
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for _ in stub.ReadBlob(pb.ReadBlobRequest(sha256="0" * 64)):
            pass
    assert read_error_details(raised.value).reason == "BLOB_NOT_FOUND"


async def test_blobs_are_on_disk_content_addressed(suite: RunningSuite) -> None:
    stub = pb_grpc.IngestServiceStub(suite.channel)
    data = scanned_pdf(["Content addressed"])
    response = await stub.SubmitItem(_raw(channel_pb2.CHANNEL_MAIL, data, "c.pdf"))
    sha = response.item.attachments[0].blob.sha256
    stored = Path(suite.data_dir) / "blobs" / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == data
