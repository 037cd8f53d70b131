"""What ingest accepts, and how a submission becomes a normalised item.

``normalise`` is pure: it validates a submission and turns it into a ``NormalisedItem`` (raw
bytes, readable fields, attachments with their bytes), or raises a domain error naming the
problem: INVALID_ARGUMENT with field violations for malformed input, RESOURCE_EXHAUSTED for
limits. Storage happens afterwards (``repository``), before anything is acknowledged.

Idempotency: an item's dedup key is the client's ``request_id`` when given, else the email's
Message-ID, else the SHA-256 of its bytes (for a short message, of its canonical JSON).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.errors import FieldViolation, InvalidArgumentError, ResourceExhaustedError
from chassis.vocabulary import DOCUMENT_CHANNELS, Channel
from ingest_svc.email_parsing import EmailLimitExceededError, MalformedEmailError, parse_email
from ingest_svc.media_types import (
    OUTLOOK_MESSAGE,
    RFC822,
    NotADocumentError,
    check_document,
    sniff_media_type,
)
from ingest_svc.outlook import parse_outlook_message

MAX_SHORT_MESSAGE_CHARS = 100_000


@dataclass(frozen=True)
class Limits:
    """Limits applied to every submission."""

    max_item_bytes: int
    max_attachments: int
    max_nesting_depth: int


@dataclass(frozen=True)
class ShortMessage:
    """An SMS, chat or social message, phone-call note or web form."""

    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    body: str = ""
    sent_time: datetime | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    conversation_id: str = ""


@dataclass(frozen=True)
class Submission:
    """An item offered to ingest: a header, and raw bytes or a short message."""

    channel: Channel | None
    request_id: str = ""
    file_name: str = ""
    media_type: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    message: ShortMessage | None = None


@dataclass(frozen=True)
class NewAttachment:
    """An attachment with its bytes, before storage."""

    data: bytes
    file_name: str
    media_type: str
    content_id: str = ""
    inline: bool = False
    nesting_path: str = ""


@dataclass(frozen=True)
class NormalisedItem:
    """A valid item ready to be stored."""

    dedup_key: str
    channel: Channel
    raw: bytes
    raw_media_type: str
    raw_file_name: str
    source: str = ""
    sent_time: datetime | None = None
    sender: str = ""
    sender_name: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""
    body_text: str = ""
    thread_message_ids: tuple[str, ...] = ()
    attachments: tuple[NewAttachment, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


def normalise(submission: Submission, limits: Limits) -> NormalisedItem:
    """Validates ``submission`` and normalises it; raises a domain error naming the problem."""
    channel = submission.channel
    if channel is None:
        raise _invalid("MISSING_CHANNEL", "header.channel", "the channel is required")
    if submission.raw is not None and submission.message is not None:
        raise _invalid("AMBIGUOUS_CONTENT", "content", "give raw bytes or a message, not both")
    if submission.message is not None:
        return _short_message(submission, channel, submission.message)
    raw = submission.raw
    if not raw:
        raise _invalid("EMPTY_CONTENT", "raw", "the content is empty")
    if len(raw) > limits.max_item_bytes:
        raise ResourceExhaustedError(
            "ITEM_TOO_LARGE",
            f"the item is {len(raw)} bytes; the limit is {limits.max_item_bytes}",
            {"size_bytes": str(len(raw)), "limit_bytes": str(limits.max_item_bytes)},
        )
    if channel is Channel.EMAIL:
        return _email(submission, raw, limits)
    if channel in DOCUMENT_CHANNELS:
        return _document(submission, channel, raw)
    return _short_message(submission, channel, _message_from_json(raw))


def triage_item(submission: Submission) -> NormalisedItem:
    """The item as it came, for manual triage: its raw bytes (or the message's JSON), its
    channel if known, no parsed fields. Used when ``normalise`` refused it and refusing is not
    an option (the sender is gone)."""
    if submission.message is not None:
        message = submission.message
        raw = json.dumps(
            {"sender": message.sender, "subject": message.subject, "body": message.body},
            ensure_ascii=False,
        ).encode()
    else:
        raw = submission.raw or b""
    return NormalisedItem(
        dedup_key=_dedup_key(submission, raw),
        channel=submission.channel or Channel.EMAIL,
        raw=raw,
        raw_media_type=submission.media_type or "application/octet-stream",
        raw_file_name=submission.file_name,
        source=submission.file_name,
        metadata=dict(submission.metadata),
    )


def _email(submission: Submission, raw: bytes, limits: Limits) -> NormalisedItem:
    # An email may arrive as the .msg file Outlook saves instead of RFC 822 bytes.
    raw_media_type = OUTLOOK_MESSAGE if sniff_media_type(raw) == OUTLOOK_MESSAGE else RFC822
    parse = parse_outlook_message if raw_media_type == OUTLOOK_MESSAGE else parse_email
    try:
        parsed = parse(
            raw, max_nesting_depth=limits.max_nesting_depth, max_attachments=limits.max_attachments
        )
    except EmailLimitExceededError as exceeded:
        raise ResourceExhaustedError("EMAIL_LIMIT_EXCEEDED", str(exceeded)) from exceeded
    except MalformedEmailError as malformed:
        raise _invalid("MALFORMED_EMAIL", "raw", malformed.reason) from malformed
    metadata: dict[str, Any] = dict(submission.metadata)
    if parsed.auto_reply_reason:
        metadata["auto_reply"] = parsed.auto_reply_reason
    if parsed.defects:
        metadata["defects"] = list(parsed.defects)
    if submission.request_id:
        key = f"client:{submission.request_id}"
    elif parsed.message_id:
        key = f"message-id:{parsed.message_id}"
    else:
        key = f"sha256:{hashlib.sha256(raw).hexdigest()}"
    return NormalisedItem(
        dedup_key=key,
        channel=Channel.EMAIL,
        raw=raw,
        raw_media_type=raw_media_type,
        raw_file_name=submission.file_name,
        source=parsed.message_id or submission.file_name,
        sent_time=parsed.sent_time,
        sender=parsed.sender,
        sender_name=parsed.sender_name,
        recipients=parsed.recipients,
        subject=parsed.subject,
        body_text=parsed.body_text,
        thread_message_ids=parsed.thread_message_ids,
        attachments=tuple(
            NewAttachment(
                data=a.data,
                file_name=a.file_name,
                media_type=a.media_type,
                content_id=a.content_id,
                inline=a.inline,
                nesting_path=a.nesting_path,
            )
            for a in parsed.attachments
        ),
        metadata=metadata,
    )


def _document(submission: Submission, channel: Channel, raw: bytes) -> NormalisedItem:
    try:
        media_type = check_document(raw, submission.media_type, file_name=submission.file_name)
    except NotADocumentError as error:
        raise _invalid("NOT_A_DOCUMENT", "raw", error.reason) from error
    return NormalisedItem(
        dedup_key=_dedup_key(submission, raw),
        channel=channel,
        raw=raw,
        raw_media_type=media_type,
        raw_file_name=submission.file_name,
        source=submission.file_name,
        sent_time=_sent_time_from_metadata(submission.metadata),
        attachments=(NewAttachment(raw, submission.file_name, media_type),),
        metadata=dict(submission.metadata),
    )


def _short_message(
    submission: Submission, channel: Channel, message: ShortMessage
) -> NormalisedItem:
    violations: list[FieldViolation] = []
    if not channel.is_short_message:
        violations.append(
            FieldViolation(
                "header.channel",
                f"a structured message cannot arrive by {channel.value}; send raw bytes",
            )
        )
    if not message.body.strip() and not (channel is Channel.FORM and message.fields):
        violations.append(FieldViolation("message.body", "the message has no text"))
    if len(message.body) > MAX_SHORT_MESSAGE_CHARS:
        violations.append(
            FieldViolation("message.body", f"longer than {MAX_SHORT_MESSAGE_CHARS} characters")
        )
    if channel in (Channel.SMS, Channel.CHAT, Channel.SOCIAL) and not message.sender.strip():
        violations.append(
            FieldViolation("message.sender", f"a {channel.value} message needs its sender")
        )
    if violations:
        raise InvalidArgumentError(
            "INVALID_MESSAGE", "the message is not valid: " + _summary(violations), violations
        )
    canonical = json.dumps(
        {
            "channel": channel.value,
            "sender": message.sender,
            "sender_name": message.sender_name,
            "subject": message.subject,
            "body": message.body,
            "sent_time": message.sent_time.isoformat() if message.sent_time else None,
            "fields": dict(sorted(message.fields.items())),
            "conversation_id": message.conversation_id,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    body = message.body
    if message.fields:
        form = "\n".join(f"{name}: {value}" for name, value in message.fields.items())
        body = f"{body}\n\n{form}".strip()
    metadata: dict[str, Any] = dict(submission.metadata)
    if message.fields:
        metadata["fields"] = dict(message.fields)
    if message.conversation_id:
        metadata["conversation_id"] = message.conversation_id
    return NormalisedItem(
        dedup_key=_dedup_key(submission, canonical),
        channel=channel,
        raw=canonical,
        raw_media_type="application/json",
        raw_file_name=submission.file_name,
        source=submission.file_name,
        sent_time=message.sent_time,
        sender=message.sender.strip(),
        sender_name=message.sender_name.strip(),
        subject=message.subject.strip(),
        body_text=body,
        metadata=metadata,
    )


_MESSAGE_FIELDS = ("sender", "sender_name", "subject", "body", "sent_time", "conversation_id")


def _message_from_json(raw: bytes) -> ShortMessage:
    """A short message from JSON bytes (what clients without the typed message send)."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid("MALFORMED_JSON", "raw", f"not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise _invalid("MALFORMED_JSON", "raw", "the JSON must be an object")
    violations = [
        FieldViolation(f"message.{name}", "must be a string")
        for name in _MESSAGE_FIELDS
        if name in document and not isinstance(document[name], str)
    ]
    fields = document.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        violations.append(FieldViolation("message.fields", "must map names to strings"))
    sent_time = None
    if isinstance(document.get("sent_time"), str) and document["sent_time"]:
        try:
            sent_time = datetime.fromisoformat(document["sent_time"])
        except ValueError:
            violations.append(
                FieldViolation("message.sent_time", "must be an ISO 8601 date and time")
            )
        if sent_time is not None and sent_time.tzinfo is None:
            violations.append(FieldViolation("message.sent_time", "must carry a time zone"))
    if violations:
        raise InvalidArgumentError(
            "INVALID_MESSAGE", "the message is not valid: " + _summary(violations), violations
        )
    return ShortMessage(
        sender=document.get("sender", ""),
        sender_name=document.get("sender_name", ""),
        subject=document.get("subject", ""),
        body=document.get("body", ""),
        sent_time=sent_time,
        fields=fields,
        conversation_id=document.get("conversation_id", ""),
    )


def _sent_time_from_metadata(metadata: Mapping[str, str]) -> datetime | None:
    value = metadata.get("sent_time", "")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise _invalid(
            "INVALID_METADATA", "header.metadata[sent_time]", "must be an ISO 8601 date and time"
        ) from error
    if moment.tzinfo is None:
        raise _invalid("INVALID_METADATA", "header.metadata[sent_time]", "must carry a time zone")
    return moment


def _dedup_key(submission: Submission, content: bytes) -> str:
    if submission.request_id:
        return f"client:{submission.request_id}"
    return f"sha256:{hashlib.sha256(content).hexdigest()}"


def _invalid(reason: str, field_path: str, description: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        reason, f"{field_path}: {description}", [FieldViolation(field_path, description)]
    )


def _summary(violations: list[FieldViolation]) -> str:
    return "; ".join(f"{v.field}: {v.description}" for v in violations)
