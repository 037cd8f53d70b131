"""gRPC surface of the ingest service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import grpc

from chassis.errors import (
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
    ResourceExhaustedError,
)
from chassis.pagination import decode_token, encode_token, page_size
from chassis.timestamps import from_timestamp, to_timestamp
from chassis.vocabulary import Channel
from chassis.workers import BlockingPool
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import blob_pb2
from ingest_svc.blob_store import BlobNotFoundError, BlobStore
from ingest_svc.front_door import FrontDoor
from ingest_svc.intake import ShortMessage, Submission
from ingest_svc.repository import TRIAGE, ItemRepository
from ingest_svc.tables import ItemRow

_FEED_TOKEN = "ingest.feed"


class IngestServicer(pb_grpc.IngestServiceServicer):
    """Submissions, items, the accepted feed and blob reads."""

    def __init__(
        self,
        front_door: FrontDoor,
        repository: ItemRepository,
        blobs: BlobStore,
        pool: BlockingPool,
    ) -> None:
        self._front_door = front_door
        self._repository = repository
        self._blobs = blobs
        self._limits = front_door.limits
        self._pool = pool

    async def SubmitItem(
        self, request: pb.SubmitItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.SubmitItemResponse:
        """Validates, stores durably, then answers."""
        content = request.WhichOneof("content")
        submission = _submission(
            request.header,
            raw=request.raw if content == "raw" else None,
            message=_short_message(request.message) if content == "message" else None,
        )
        result = await self._front_door.submit(submission)
        return pb.SubmitItemResponse(item=item_message(result.item), created=result.created)

    async def UploadItem(
        self,
        request_iterator: AsyncIterator[pb.UploadItemRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> pb.UploadItemResponse:
        """Receives the header then the chunks, bounded by the item size limit."""
        header: pb.ItemHeader | None = None
        buffer = bytearray()
        async for part in request_iterator:
            kind = part.WhichOneof("part")
            if kind == "header":
                if header is not None:
                    raise _misplaced("header", "only the first message carries the header")
                header = part.header
            elif kind == "chunk":
                if header is None:
                    raise _misplaced("header", "the first message must carry the header")
                buffer.extend(part.chunk)
                if len(buffer) > self._limits.max_item_bytes:
                    raise ResourceExhaustedError(
                        "ITEM_TOO_LARGE",
                        f"the upload exceeds the limit of {self._limits.max_item_bytes} bytes",
                        {"limit_bytes": str(self._limits.max_item_bytes)},
                    )
        if header is None:
            raise _misplaced("header", "the upload carried no header")
        result = await self._front_door.submit(_submission(header, raw=bytes(buffer), message=None))
        return pb.UploadItemResponse(item=item_message(result.item), created=result.created)

    async def GetItem(
        self, request: pb.GetItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetItemResponse:
        """The item, or NOT_FOUND."""
        row = await self._pool.run(self._repository.get, request.item_id)
        if row is None:
            raise NotFoundError("ITEM_NOT_FOUND", f"no item {request.item_id!r}")
        return pb.GetItemResponse(item=item_message(row))

    async def ListAcceptedItems(
        self, request: pb.ListAcceptedItemsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListAcceptedItemsResponse:
        """The feed after the cursor; the returned cursor is always set."""
        size = page_size(request.page_size)
        position = decode_token(_FEED_TOKEN, request.page_token) or {"s": 0}
        after = int(position.get("s", 0))
        rows = await self._pool.run(self._repository.feed_after, after, size)
        last = rows[-1].sequence if rows else after
        return pb.ListAcceptedItemsResponse(
            items=[item_message(row) for row in rows],
            next_page_token=encode_token(_FEED_TOKEN, {"s": last}),
        )

    async def ReadBlob(
        self, request: pb.ReadBlobRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[pb.ReadBlobResponse]:
        """Streams the blob in chunks."""
        if request.offset < 0 or request.limit < 0:
            raise InvalidArgumentError(
                "INVALID_RANGE",
                "offset and limit must not be negative",
                [FieldViolation("offset", "must be ≥ 0"), FieldViolation("limit", "must be ≥ 0")],
            )
        try:
            size = self._blobs.size_of(request.sha256)
        except BlobNotFoundError as missing:
            raise NotFoundError("BLOB_NOT_FOUND", f"no blob {request.sha256!r}") from missing
        offset = request.offset
        chunks = self._blobs.read(request.sha256, offset, request.limit)
        while offset < size:
            chunk = await self._pool.run(next, chunks, b"")
            if not chunk:
                return
            yield pb.ReadBlobResponse(chunk=chunk, offset=offset)
            offset += len(chunk)


def _submission(
    header: pb.ItemHeader, *, raw: bytes | None, message: ShortMessage | None
) -> Submission:
    return Submission(
        channel=Channel.from_proto(header.channel),
        request_id=header.request_id,
        file_name=header.file_name,
        media_type=header.media_type,
        metadata=dict(header.metadata),
        raw=raw,
        message=message,
    )


def _short_message(message: pb.ShortMessage) -> ShortMessage:
    return ShortMessage(
        sender=message.sender,
        sender_name=message.sender_name,
        subject=message.subject,
        body=message.body,
        sent_time=from_timestamp(message.sent_time, present=message.HasField("sent_time")),
        fields=dict(message.fields),
        conversation_id=message.conversation_id,
    )


def _misplaced(field_path: str, description: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        "INVALID_UPLOAD", description, [FieldViolation(field_path, description)]
    )


def item_message(row: ItemRow) -> pb.Item:
    """The protobuf form of a stored item."""
    item = pb.Item(
        item_id=row.item_id,
        channel=Channel(row.channel).to_proto(),
        state=pb.ITEM_STATE_TRIAGE if row.state == TRIAGE else pb.ITEM_STATE_ACCEPTED,
        triage_reason=row.triage_reason,
        source=row.source,
        receive_time=to_timestamp(row.receive_time),
        sent_time=to_timestamp(row.sent_time),
        sender=row.sender,
        sender_name=row.sender_name,
        recipients=row.recipients,
        subject=row.subject,
        body_text=row.body_text,
        thread_message_ids=row.thread_message_ids,
        raw=blob_pb2.BlobRef(
            sha256=row.raw_sha256,
            size_bytes=row.raw_size,
            media_type=row.raw_media_type,
            file_name=row.raw_file_name,
        ),
        sequence=row.sequence,
        metadata={key: _metadata_text(value) for key, value in row.item_metadata.items()},
    )
    item.attachments.extend(
        pb.Attachment(
            blob=blob_pb2.BlobRef(
                sha256=a.sha256,
                size_bytes=a.size_bytes,
                media_type=a.media_type,
                file_name=a.file_name,
            ),
            content_id=a.content_id,
            inline=a.inline,
            nesting_path=a.nesting_path,
        )
        for a in row.attachments
    )
    return item


def _metadata_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
