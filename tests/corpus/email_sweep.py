"""Every message of the corpus through ingestion, through both doors of ``FrontDoor``.

- As a channel delivers it (SMTP, IMAP, a drop folder): ``receive``, which never refuses; what
  cannot be normalised is stored in triage with its reason. No client request id: the item is
  deduplicated by Message-ID, else by its bytes, as mail is.
- As an API client submits it (the gRPC semantics): ``submit``, which stores a valid item or
  refuses it with a domain error (INVALID_ARGUMENT, RESOURCE_EXHAUSTED) naming the problem. Each
  file is submitted with its own request id, so that each is stored as itself and what was
  stored for it can be read back and compared with its suite's expectations.

Each door writes to its own store (SQLite database and blob directory). An Outlook ``.msg`` is
offered as is, as a drop folder or an import would; a TNEF payload as the ``winmail.dat``
attachment of an email, which is how it travels. Both go through the same path as any message;
whether ingest understands them yet is said by ``outlook_support_present``.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

from chassis.errors import ConfluxError
from chassis.timestamps import as_utc
from chassis.vocabulary import Channel
from ingest_svc.flood_guard import FLOOD_KEY
from ingest_svc.intake import Submission
from ingest_svc.media_types import OUTLOOK_MESSAGE, RFC822, TNEF
from ingest_svc.repository import TRIAGE
from ingest_svc.tables import ItemRow
from tests.corpus.corpus_files import CorpusFile, FileKind
from tests.corpus.expected_message import StoredAttachment, StoredMessage
from tests.corpus.ingest_store import IngestStore, ingest_store

OUTLOOK_SUPPORT_MODULE = "ingest_svc.outlook"
"""The module that brings .msg and TNEF support to ingest; until it exists they are counted as
not yet supported."""

CONCURRENT_FILES = 8


@dataclass(frozen=True)
class MessageOutcome:
    """What ingestion did with one corpus message, through each door."""

    file: CorpusFile
    state: str
    """``receive``: the state of the item (accepted or triage); "" when it crashed."""
    triage_reason: str
    duplicate_of: str
    """``receive``: the label of the earlier file whose item this turned out to be; "" when
    this file created its item."""
    auto_reply: str
    """``receive``: why the item was flagged as an automatic reply; "" if it was not."""
    flood: str
    """``receive``: why the item was flagged as part of a flood; "" if it was not."""
    defects: tuple[str, ...]
    """``receive``: the damage recovered while normalising it."""
    refusal: str
    """``submit``: "" when stored, else the status code, reason and message of the refusal."""
    stored: StoredMessage | None
    """``submit``: the item as read back from the database and the blob store."""
    attachment_types: tuple[str, ...]
    """``submit``: the media types of the stored attachments."""
    crashes: tuple[str, ...]
    """Exceptions that are not domain errors, from either door."""
    storage_problems: tuple[str, ...]
    """What is wrong with the stored items (missing blobs, sizes, fields)."""

    @property
    def triaged(self) -> bool:
        """Stored in triage by ``receive``."""
        return self.state == TRIAGE

    @property
    def flagged(self) -> bool:
        """Accepted, but flagged: an automatic reply, part of a flood, or with recovered damage."""
        flags = self.auto_reply or self.flood or self.defects
        return bool(self.state) and not self.triaged and bool(flags)


def outlook_support_present() -> bool:
    """True once ingest has its Outlook (.msg, TNEF) module."""
    return importlib.util.find_spec(OUTLOOK_SUPPORT_MODULE) is not None


async def sweep(files: Sequence[CorpusFile], directory: Path) -> list[MessageOutcome]:
    """Sends every file of ``files`` (messages) through both doors, with stores under
    ``directory``; returns one outcome per file, in order."""
    async with (
        ingest_store(directory / "received") as channel_store,
        ingest_store(directory / "submitted") as api_store,
    ):
        creators: dict[str, str] = {}
        # Files go through a few at a time, as concurrent deliveries do: fsync waits overlap.
        admission = asyncio.Semaphore(CONCURRENT_FILES)

        async def admitted(file: CorpusFile) -> MessageOutcome:
            async with admission:
                return await _one(file, channel_store, api_store, creators)

        return list(await asyncio.gather(*(admitted(file) for file in files)))


async def _one(
    file: CorpusFile, channel_store: IngestStore, api_store: IngestStore, creators: dict[str, str]
) -> MessageOutcome:
    submission = corpus_submission(file)
    raw = submission.raw or b""
    crashes: list[str] = []
    problems: list[str] = []
    state = triage_reason = duplicate_of = auto_reply = flood = ""
    defects: tuple[str, ...] = ()
    try:
        received = await channel_store.front_door.receive(submission)
    except Exception as error:  # receive must never raise: any exception is a finding
        crashes.append(f"receive raised {error!r}")
    else:
        row = received.item
        state, triage_reason = row.state, row.triage_reason
        auto_reply = str(row.item_metadata.get("auto_reply", ""))
        flood = str(row.item_metadata.get(FLOOD_KEY, ""))
        defects = tuple(str(defect) for defect in row.item_metadata.get("defects", ()))
        if received.created:
            creators[row.item_id] = file.label
            problems += _storage_problems(channel_store, row, raw)
        else:
            duplicate_of = creators.get(row.item_id, row.item_id)

    refusal = ""
    stored: StoredMessage | None = None
    attachment_types: tuple[str, ...] = ()
    try:
        submitted = await api_store.front_door.submit(
            replace(submission, request_id=f"corpus:{file.label}")
        )
    except ConfluxError as refused:
        refusal = f"{refused.code.name} {refused.reason}: {refused.message}"
    except Exception as error:  # an exception that is no domain error is a finding
        crashes.append(f"submit raised {error!r}")
    else:
        problems += _storage_problems(api_store, submitted.item, raw)
        read_back = api_store.repository.get(submitted.item.item_id)
        if read_back is None:
            problems.append("submit: the stored item cannot be read back")
        else:
            stored = _stored_message(api_store, read_back)
            attachment_types = tuple(a.media_type for a in read_back.attachments)
    return MessageOutcome(
        file=file,
        state=state,
        triage_reason=triage_reason,
        duplicate_of=duplicate_of,
        auto_reply=auto_reply,
        flood=flood,
        defects=defects,
        refusal=refusal,
        stored=stored,
        attachment_types=attachment_types,
        crashes=tuple(crashes),
        storage_problems=tuple(problems),
    )


def corpus_submission(file: CorpusFile) -> Submission:
    """The email submission of a corpus message, without a request id: its bytes as they are,
    or for a TNEF payload, an email carrying it as ``winmail.dat``."""
    data = file.path.read_bytes()
    if file.kind is FileKind.TNEF:
        carrier = _winmail_dat_carrier(file.name, data)
        return Submission(Channel.EMAIL, file_name=f"{file.name}.eml", raw=carrier)
    media_type = OUTLOOK_MESSAGE if file.kind is FileKind.OUTLOOK_MSG else RFC822
    return Submission(Channel.EMAIL, file_name=file.name, media_type=media_type, raw=data)


def _winmail_dat_carrier(name: str, payload: bytes) -> bytes:
    """An email carrying ``payload`` as Outlook sends TNEF: a ``winmail.dat`` attachment."""
    message = EmailMessage()
    message["From"] = "Corpus Sweep <corpus-sweep@example.invalid>"
    message["To"] = "ingest@example.invalid"
    message["Subject"] = f"TNEF payload {name}"
    message["Message-ID"] = f"<{name}@corpus-sweep.invalid>"
    message.set_content("The TNEF payload of this message is attached as winmail.dat.")
    message.add_attachment(
        payload, maintype="application", subtype=TNEF.split("/")[1], filename="winmail.dat"
    )
    return message.as_bytes()


def _storage_problems(store: IngestStore, row: ItemRow, raw: bytes) -> list[str]:
    """What is wrong with a stored item: its raw bytes and attachments must be in the blob store
    with their sizes, its sent time aware, its text free of NUL (PostgreSQL refuses it)."""
    problems: list[str] = []
    if row.raw_sha256 != hashlib.sha256(raw).hexdigest():
        problems.append(f"{row.item_id}: raw blob {row.raw_sha256} is not the bytes offered")
    blobs = [(row.raw_sha256, row.raw_size, "raw bytes")] + [
        (a.sha256, a.size_bytes, f"attachment {a.position} {a.file_name!r}")
        for a in row.attachments
    ]
    for sha256, size, what in blobs:
        if not store.blobs.path_of(sha256).is_file():
            problems.append(f"{row.item_id}: the blob of its {what} is missing")
        elif store.blobs.size_of(sha256) != size:
            problems.append(f"{row.item_id}: the blob of its {what} is not {size} bytes")
    if row.sent_time is not None and row.sent_time.utcoffset() is None:
        problems.append(f"{row.item_id}: sent time {row.sent_time} has no time zone")
    if "\x00" in row.body_text or "\x00" in row.subject:
        problems.append(f"{row.item_id}: NUL in its subject or body text")
    return problems


def _stored_message(store: IngestStore, row: ItemRow) -> StoredMessage:
    return StoredMessage(
        sender=row.sender,
        sender_name=row.sender_name,
        recipients=tuple(row.recipients),
        subject=row.subject,
        sent_time=None if row.sent_time is None else as_utc(row.sent_time),
        body_text=row.body_text,
        attachments=tuple(
            StoredAttachment(a.file_name, a.media_type, store.blobs.read_all(a.sha256))
            for a in row.attachments
        ),
    )
