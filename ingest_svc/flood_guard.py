"""Floods: more items from one sender, or the same content again, than a person sends.

Two auto-responders answering each other, a script resending with a new Message-ID each time, a
form resubmitted in a loop: every item is stored (nothing is ever lost) but flagged
``metadata["flood"]`` with the reason, so that later steps neither acknowledge it nor open a case
for it. Two limits per sender over a sliding window: the number of items, and the number of items
with the same content (body text, whitespace and case aside, and attachments).

Content is counted per sender, not across senders: a hundred customers sending the same form
letter about a price rise are a hundred demands, each owed an answer. Items without a sender
(scans, faxes, what went to triage unparsed) are neither flagged nor counted.

The counts are a query on the items themselves: the sender's items received within the window,
most recent first, through the index on (sender, receive_time), at most ``max_items_per_sender``
of them (with that many the next item is a flood whatever their content; with fewer, they are the
whole window and the same-content count is exact). Each item carries its content fingerprint in
``metadata["content_sha256"]``, written with the item in its own transaction. So there is no
second table to write (an extra commit, an fsync on SQLite, for every item), to prune, or to drift
from the items after a crash. Items of one sender stored at the same instant may miss each other
in their counts: the limits hold within one or two items, which a flood, by its volume, does not
escape.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from chassis.config import Environment
from chassis.database import Database
from chassis.timestamps import utc_now
from ingest_svc.intake import NormalisedItem
from ingest_svc.tables import ItemRow

FLOOD_KEY = "flood"
"""The metadata key of a flood's reason."""
CONTENT_KEY = "content_sha256"
"""The metadata key of the content fingerprint the flood guard compares."""

# The repository stores the sender cut to the column's length; counts must match that value.
_STORED_SENDER_CHARS = 500


@dataclass(frozen=True)
class FloodLimits:
    """What one sender may send within ``window`` before the next item is flagged."""

    max_items_per_sender: int
    max_same_content: int
    window: timedelta


def load_flood_limits(env: Environment) -> FloodLimits:
    """Reads ``CONFLUX_INGEST_FLOOD_*`` (problems recorded in ``env``)."""
    seconds = env.number("CONFLUX_INGEST_FLOOD_WINDOW_SECONDS", 600.0, minimum=1.0)
    return FloodLimits(
        max_items_per_sender=env.integer("CONFLUX_INGEST_FLOOD_MAX_ITEMS", 20, minimum=1),
        max_same_content=env.integer("CONFLUX_INGEST_FLOOD_MAX_SAME_CONTENT", 3, minimum=1),
        window=timedelta(seconds=seconds),
    )


def content_sha256(item: NormalisedItem) -> str:
    """SHA-256 of the item's content as a reader compares it: the body text with whitespace and
    case folded, then each attachment's bytes; "" when the item has neither."""
    words = " ".join(item.body_text.split()).casefold()
    if not words and not item.attachments:
        return ""
    digest = hashlib.sha256(words.encode())
    for attachment in item.attachments:
        digest.update(b"\0" + hashlib.sha256(attachment.data).digest())
    return digest.hexdigest()


class FloodGuard:
    """Flags the items of a flood, from the sender's items already stored."""

    def __init__(self, database: Database, limits: FloodLimits) -> None:
        self._database = database
        self._limits = limits

    def flag(self, item: NormalisedItem) -> NormalisedItem:
        """``item`` with its content fingerprint in ``metadata["content_sha256"]`` and, when its
        sender already sent within the window ``max_items_per_sender`` items, or
        ``max_same_content`` items of the same content, the reason in ``metadata["flood"]``.
        An item without a sender is returned unchanged."""
        sender = item.sender[:_STORED_SENDER_CHARS]
        if not sender.strip():
            return item
        content = content_sha256(item)
        metadata = dict(item.metadata)
        if content:
            metadata[CONTENT_KEY] = content
        reason = self._flood_reason(sender, content)
        if reason:
            metadata[FLOOD_KEY] = reason
        return replace(item, metadata=metadata)

    def _flood_reason(self, sender: str, content: str) -> str:
        limits = self._limits
        with self._database.reading() as session:
            recent = list(
                session.scalars(
                    select(ItemRow.item_metadata)
                    .where(
                        ItemRow.sender == sender,
                        ItemRow.receive_time >= utc_now() - limits.window,
                    )
                    .order_by(ItemRow.receive_time.desc())
                    .limit(limits.max_items_per_sender)
                )
            )
        same = sum(1 for metadata in recent if content and metadata.get(CONTENT_KEY) == content)
        window = f"{limits.window.total_seconds():g} s"
        reasons = []
        if same >= limits.max_same_content:
            reasons.append(
                f"the same content more than {limits.max_same_content} times "
                f"from {sender} within {window}"
            )
        if len(recent) >= limits.max_items_per_sender:
            reasons.append(
                f"more than {limits.max_items_per_sender} items from {sender} within {window}"
            )
        return "; ".join(reasons)
