"""What a test suite expects of one message, what ingest stored for it, and where they differ.

Texts are compared after normalising whitespace (runs of spaces, tabs and line breaks become one
space, ends trimmed) and Unicode (NFC), as the suites' own tests do. A body is expected to be
*contained* in the stored body text rather than equal to it: Conflux's body text also carries
forwarded messages and calendar summaries, which the suites keep apart.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

_SHOWN_CHARS = 70


@dataclass(frozen=True)
class ExpectedMessage:
    """A suite's expectations of one message; ``None`` where the suite says nothing."""

    source: str
    """Where the expectation is written (file and test)."""
    sender: str | None = None
    sender_name: str | None = None
    recipient: str | None = None
    """One address the recipients must include."""
    subject: str | None = None
    sent_time: datetime | None = None
    body_text: str | None = None
    attachment_count: int | None = None
    attachment_names: tuple[str, ...] | None = None
    """The file names of the named attachments, in any order."""
    attachment_contents: Mapping[str, bytes] = field(default_factory=dict)
    """Expected bytes of the attachments of these names, where the message has them."""


@dataclass(frozen=True)
class StoredAttachment:
    """An attachment as ingest stored it, its bytes read back from the blob store."""

    file_name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class StoredMessage:
    """The fields of a stored item that the suites have expectations about."""

    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    sent_time: datetime | None
    body_text: str
    attachments: tuple[StoredAttachment, ...]


@dataclass(frozen=True)
class Mismatch:
    """One field of one message that differs from what its suite expects."""

    message: str
    """The message's corpus label (``suite/name``)."""
    field: str
    expected: str
    actual: str
    source: str


def normalised_text(text: str) -> str:
    """``text`` in NFC with each run of whitespace made one space, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def mismatches(message: str, expected: ExpectedMessage, stored: StoredMessage) -> list[Mismatch]:
    """Every expectation of ``expected`` that ``stored`` does not meet."""
    found: list[Mismatch] = []

    def differs(name: str, wanted: object, actual: object) -> None:
        found.append(Mismatch(message, name, _shown(wanted), _shown(actual), expected.source))

    if expected.sender is not None and expected.sender.lower() != stored.sender:
        differs("sender", expected.sender.lower(), stored.sender)
    if expected.sender_name is not None and normalised_text(
        expected.sender_name
    ) != normalised_text(stored.sender_name):
        differs("sender_name", expected.sender_name, stored.sender_name)
    if expected.recipient is not None and expected.recipient.lower() not in stored.recipients:
        differs("recipient", expected.recipient.lower(), ", ".join(stored.recipients))
    if expected.subject is not None and normalised_text(expected.subject) != normalised_text(
        stored.subject
    ):
        differs("subject", expected.subject, stored.subject)
    if expected.sent_time is not None and expected.sent_time != stored.sent_time:
        differs("sent_time", expected.sent_time, stored.sent_time)
    if expected.body_text is not None:
        wanted_body = normalised_text(expected.body_text)
        stored_body = normalised_text(stored.body_text)
        if wanted_body not in stored_body:
            differs("body_text", _divergence(wanted_body, stored_body), _shown(stored_body))
    if expected.attachment_count is not None and expected.attachment_count != len(
        stored.attachments
    ):
        names = [a.file_name or f"({a.media_type})" for a in stored.attachments]
        differs("attachment_count", expected.attachment_count, f"{len(names)}: {names}")
    stored_names = sorted(a.file_name for a in stored.attachments if a.file_name)
    if expected.attachment_names is not None and sorted(expected.attachment_names) != stored_names:
        differs("attachment_names", sorted(expected.attachment_names), stored_names)
    for attachment in stored.attachments:
        wanted = expected.attachment_contents.get(attachment.file_name)
        if wanted is not None and not _same_content(wanted, attachment.data):
            differs(
                f"attachment_content[{attachment.file_name}]",
                f"{len(wanted)} bytes",
                f"{len(attachment.data)} bytes",
            )
    return found


def _same_content(expected: bytes, actual: bytes) -> bool:
    """Equal bytes, or the same text once whitespace is normalised (the suites compare text
    attachments that way: line endings and trailing spaces differ between encodings)."""
    if expected == actual:
        return True
    return b" ".join(expected.split()) == b" ".join(actual.split())


def _divergence(expected: str, actual: str) -> str:
    """Where ``expected`` stops being found in ``actual``: the longest prefix of ``expected``
    that ``actual`` contains, and the text that follows it."""
    low, high = 0, len(expected)
    while low < high:
        middle = (low + high + 1) // 2
        if expected[:middle] in actual:
            low = middle
        else:
            high = middle - 1
    following = expected[low : low + 40]
    return f"{low} of {len(expected)} chars found, then {following!r}"


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
