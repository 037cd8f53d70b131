"""The request index: what it holds and how candidates are looked up in it.

It is derived from the ledger (``correlate_svc.ledger``) through the outbox, never written
directly by a decision, and rebuilt from the ledger when ``SCHEMA.version`` changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from chassis.search import (
    AnyTerm,
    Boolean,
    FieldKind,
    IndexField,
    IndexSchema,
    Matches,
    Query,
    Range,
    Term,
)
from chassis.search.index import Document
from chassis.timestamps import as_utc
from correlate_svc.tables import RequestRow

SCHEMA = IndexSchema(
    name="requests",
    version=1,
    id_field="request_id",
    fields=(
        IndexField("request_id", FieldKind.KEYWORD),
        IndexField("case_id", FieldKind.KEYWORD),
        IndexField("party_id", FieldKind.KEYWORD),
        IndexField("category", FieldKind.KEYWORD),
        IndexField("channel", FieldKind.KEYWORD),
        IndexField("references", FieldKind.KEYWORD),
        IndexField("attachments", FieldKind.KEYWORD),
        IndexField("text", FieldKind.TEXT),
        IndexField("sent_time", FieldKind.TIMESTAMP),
    ),
)


class IndexedRequest(Protocol):
    """What the index holds of a ledger request (a ``RequestRow``, or a row of
    ``INDEXED_COLUMNS``)."""

    request_id: str
    case_id: str
    party_id: str
    category: str
    channel: str
    references: list[str]
    attachment_sha256s: list[str]
    subject: str
    text: str
    sent_time: datetime


INDEXED_COLUMNS = (
    RequestRow.request_id,
    RequestRow.case_id,
    RequestRow.party_id,
    RequestRow.category,
    RequestRow.channel,
    RequestRow.references,
    RequestRow.attachment_sha256s,
    RequestRow.subject,
    RequestRow.text,
    RequestRow.sent_time,
)
"""The ledger columns an index document is made of (selected as columns when indexing in bulk,
which costs a fraction of loading whole rows)."""


def document_of(row: IndexedRequest) -> Document:
    """The index document of a ledger request."""
    return {
        "request_id": row.request_id,
        "case_id": row.case_id,
        "party_id": row.party_id,
        "category": row.category,
        "channel": row.channel,
        "references": list(row.references),
        "attachments": list(row.attachment_sha256s),
        "text": f"{row.subject}\n{row.text}",
        # SQLite gives naive datetimes (UTC): ``timestamp()`` would read them as local time.
        "sent_time": int(as_utc(row.sent_time).timestamp()),
    }


def candidate_query(
    party_id: str,
    references: Sequence[str],
    attachments: Sequence[str],
    text: str,
    since: datetime,
) -> Query | None:
    """Requests since ``since`` of the same party, or sharing a reference or an attachment,
    ranked by textual relevance; None when the request has nothing to look up by."""
    anchors: list[Query] = []
    if party_id:
        anchors.append(Term("party_id", party_id))
    if references:
        anchors.append(AnyTerm("references", tuple(references)))
    if attachments:
        anchors.append(AnyTerm("attachments", tuple(attachments)))
    if not anchors:
        return None
    return Boolean(
        must=(Boolean(should=tuple(anchors)),),
        should=(Matches("text", text),),
        filter=(Range("sent_time", low=int(since.timestamp())),),
    )
