"""Every message of the public email corpus through ingestion (``make sweep``; ``-s`` prints the
report): about 300 RFC 822 messages of five suites, 41 Outlook .msg and 20 TNEF payloads.

Each message goes through both doors of the real ``FrontDoor`` with real stores (SQLite and a
blob directory in a temporary directory): ``receive`` as a channel delivers it (never refuses:
triage) and ``submit`` as an API client does (refuses with a domain error). What was stored is
read back and compared with the expected results the suites ship: zbateson/mail-mime-parser's
PHPUnit expectations and mime4j's expected MIME trees.

``KNOWN_MISMATCHES`` lists each difference measured, with its reason; a new one fails the sweep.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from chassis.errors import ConfluxError
from chassis.vocabulary import Channel
from ingest_svc.intake import Submission, normalise
from ingest_svc.media_types import TNEF
from ingest_svc.repository import ACCEPTED, TRIAGE
from tests.corpus.corpus_files import (
    CPYTHON,
    EMAIL_CORPUS,
    FLANKER,
    MESSAGE_KINDS,
    MIME4J,
    POI,
    SPAMSCOPE,
    TNEFPARSE,
    ZBATESON,
    CorpusFile,
    FileKind,
    corpus_files,
)
from tests.corpus.email_sweep import MessageOutcome, outlook_support_present, sweep
from tests.corpus.expected_message import ExpectedMessage, Mismatch, mismatches
from tests.corpus.ingest_store import ingest_store
from tests.corpus.mime4j_expectations import mime4j_expectations
from tests.corpus.sweep_summary import sweep_summary
from tests.corpus.zbateson_expectations import zbateson_expectations

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not EMAIL_CORPUS.is_dir(), reason=f"{EMAIL_CORPUS} is absent"),
]

MESSAGE_FILES: dict[tuple[str, FileKind], int] = {
    (ZBATESON, FileKind.RFC822): 77,
    (MIME4J, FileKind.RFC822): 85,
    (CPYTHON, FileKind.RFC822): 48,
    (FLANKER, FileKind.RFC822): 69,
    (SPAMSCOPE, FileKind.RFC822): 23,
    (POI, FileKind.OUTLOOK_MSG): 41,
    (TNEFPARSE, FileKind.TNEF): 20,
}
"""The messages of the corpus as classified (see ``corpus_files.RULES`` for why): 302 RFC 822
messages, 41 .msg, 20 TNEF (the corpus README's 21st TNEF is the winmail.dat inside zbateson's
m4006.txt, swept with it)."""

EXPECTATIONS_WITHOUT_MESSAGE = {
    f"{ZBATESON}/emails/m3005.txt": "EmailFunctionalTest tests m3005.txt, which the suite's "
    "tests/_data (and so the corpus) does not have",
}

TNEF_KEPT_AS_IS = {
    "garbage-at-end.tnef": "tnefparse finds neither a file nor a body in it",
    "multi-name-property.tnef": "tnefparse finds neither a file nor a body in it",
}
"""TNEF payloads that are stored as the opaque winmail.dat they came as, flagged, and why."""

_NOT_AN_EMAIL = (
    "refused by design (receive stores it in triage): a MIME entity whose header block has only "
    "Content-* fields, no email header, which ingest does not take for an email"
)
_NO_HEADER_BLOCK = "refused by design: the file starts with body text, it has no header block"
_SIGNATURE_KEPT = (
    "the detached PGP signature (application/pgp-signature) is kept as an attachment; "
    "mail-mime-parser does not count the signature part"
)
_NAME_IN_ENCODED_WORD = (
    "the name parameter is name==?koi8-r?B?...?=: Conflux decodes it to Список.doc; the "
    "standard parser that reads the expected tree finds no file name there"
)

KNOWN_MISMATCHES: dict[tuple[str, str], str] = {
    **{
        (f"{MIME4J}/{name}", "stored"): _NOT_AN_EMAIL
        for name in (
            "mimetools-testmsgs/bluedot-simple.msg",
            "mimetools-testmsgs/empty-preamble.msg",
            "mimetools-testmsgs/infinite.msg",
            "testmsgs/bad-newlines-multiple-parts.msg",
            "testmsgs/ending-boundaries.msg",
            "testmsgs/intermediate-boundaries.msg",
            "testmsgs/misplaced-boundary.msg",
            "testmsgs/missing-boundary.msg",
            "testmsgs/missing-inner-boundary.msg",
            "testmsgs/missing-inner-start-boundary.msg",
            "testmsgs/very-long-boundary.msg",
            "testmsgs/very-very-long-boundary.msg",
            "testmsgs/weird-boundary.msg",
        )
    },
    (f"{MIME4J}/testmsgs/obsolete.msg", "stored"): (
        "refused: its fields use the obsolete syntax 'Subject :' (spaces before the colon, "
        "RFC 5322 obs-optional), which the compat32 parser does not read as header fields, so "
        "no email header is found (a parsing gap, reported)"
    ),
    (f"{MIME4J}/testmsgs/malformedHeader-noheader.msg", "stored"): _NO_HEADER_BLOCK,
    (f"{MIME4J}/testmsgs/malformedHeaderStartsBody-noheader.msg", "stored"): _NO_HEADER_BLOCK,
    (f"{MIME4J}/mimetools-testmsgs/frag.msg", "stored"): (
        "refused by design as truncated mail: the closing boundary is missing and the last "
        "part's base64 is cut short"
    ),
    (f"{MIME4J}/testmsgs/malformedHeaderStartsBody-nocrlfcrlf.msg", "body_text"): (
        "the header block ends at the first line that is no header field; Conflux keeps the "
        "header-like line that follows in the body, mime4j's tree drops it"
    ),
    (f"{MIME4J}/mimetools-testmsgs/multi-2evil.msg", "attachment_names"): (
        "Conflux decodes the RFC 2047 encoded words inside a file name (3d-compress.gif), as "
        "mail clients do; the standard parser that reads the expected tree keeps them"
    ),
    (f"{MIME4J}/mimetools-testmsgs/russian.msg", "attachment_names"): _NAME_IN_ENCODED_WORD,
    (f"{MIME4J}/testmsgs/russian-headers.msg", "attachment_names"): _NAME_IN_ENCODED_WORD,
    (f"{ZBATESON}/emails/m0018.txt", "attachment_count"): (
        "its three attachments are uuencoded inside the text body (an Outlook 2000 option): "
        "Conflux does not extract uuencoded files, they stay in the body text"
    ),
    (f"{ZBATESON}/emails/m1009.txt", "attachment_count"): (
        "an inline text/plain part with a file name (hareandtoroise.txt) is kept as an "
        "attachment; mail-mime-parser reads it as body content"
    ),
    (f"{ZBATESON}/emails/m4002.txt", "attachment_count"): _SIGNATURE_KEPT,
    (f"{ZBATESON}/emails/m4004.txt", "attachment_count"): _SIGNATURE_KEPT,
    (f"{ZBATESON}/emails/m4007.txt", "attachment_count"): (
        "the message/rfc822 part of a multipart/digest is read as a forwarded message (its text "
        "in the body, its attachments listed), not kept as one attachment"
    ),
}
"""(message, field) → why ingest's result differs from the suite's expectation, as measured."""

MAX_MISMATCHES = len(KNOWN_MISMATCHES)


@dataclass(frozen=True)
class SweepResult:
    """The corpus classified, the messages' outcomes and their comparison with expectations."""

    files: list[CorpusFile]
    outcomes: list[MessageOutcome]
    expectations: dict[str, ExpectedMessage]
    compared: list[str]
    mismatches: list[Mismatch]


@pytest.fixture(scope="module")
async def swept(tmp_path_factory: pytest.TempPathFactory) -> SweepResult:
    """The sweep, run once for the module; the report is printed (visible with ``-s``)."""
    files = list(corpus_files())
    outcomes = await sweep(
        [f for f in files if f.kind in MESSAGE_KINDS], tmp_path_factory.mktemp("sweep")
    )
    expectations = {
        f"{ZBATESON}/{name}": expected
        for name, expected in zbateson_expectations(EMAIL_CORPUS / ZBATESON).items()
    } | {
        f"{MIME4J}/{name}": expected
        for name, expected in mime4j_expectations(EMAIL_CORPUS / MIME4J).items()
    }
    compared: list[str] = []
    found: list[Mismatch] = []
    for outcome in outcomes:
        expected = expectations.get(outcome.file.label)
        if expected is None:
            continue
        compared.append(outcome.file.label)
        if outcome.stored is None:
            found.append(
                Mismatch(outcome.file.label, "stored", "stored", outcome.refusal, expected.source)
            )
        else:
            found += mismatches(outcome.file.label, expected, outcome.stored)
    print(
        sweep_summary(
            files,
            outcomes,
            compared,
            found,
            known_mismatches=KNOWN_MISMATCHES,
            outlook_supported=outlook_support_present(),
        )
    )
    return SweepResult(files, outcomes, expectations, compared, found)


def test_every_file_of_the_corpus_is_classified(swept: SweepResult) -> None:
    unclassified = [f.label for f in swept.files if f.kind is FileKind.UNCLASSIFIED]
    assert unclassified == []


def test_the_messages_are_those_the_corpus_holds(swept: SweepResult) -> None:
    counted = Counter((f.suite, f.kind) for f in swept.files if f.kind in MESSAGE_KINDS)
    assert counted == MESSAGE_FILES


def test_no_message_crashes_ingestion(swept: SweepResult) -> None:
    crashes = [(o.file.label, o.crashes) for o in swept.outcomes if o.crashes]
    assert crashes == []


def test_every_message_is_stored_or_refused_with_a_reason(swept: SweepResult) -> None:
    for outcome in swept.outcomes:
        label = outcome.file.label
        assert outcome.state in (ACCEPTED, TRIAGE), label
        assert outcome.triage_reason or outcome.state == ACCEPTED, label
        assert (outcome.stored is None) == bool(outcome.refusal), label
        if outcome.refusal:
            _, _, message = outcome.refusal.partition(": ")
            assert message.strip(), label


def test_receive_triages_exactly_what_submit_refuses(swept: SweepResult) -> None:
    disagreements = [
        (o.file.label, o.state, o.refusal)
        for o in swept.outcomes
        if not o.duplicate_of and o.triaged != bool(o.refusal)
    ]
    assert disagreements == []


def test_stored_items_are_complete_on_disk(swept: SweepResult) -> None:
    problems = [(o.file.label, o.storage_problems) for o in swept.outcomes if o.storage_problems]
    assert problems == []


def test_every_expectation_names_a_swept_message(swept: SweepResult) -> None:
    without_message = set(swept.expectations) - set(swept.compared)
    assert without_message == set(EXPECTATIONS_WITHOUT_MESSAGE)


def test_only_known_mismatches_and_no_more_than_measured(swept: SweepResult) -> None:
    new = [m for m in swept.mismatches if (m.message, m.field) not in KNOWN_MISMATCHES]
    assert new == []
    assert len(swept.mismatches) <= MAX_MISMATCHES


def test_outlook_messages_are_read_and_tnef_unpacked(swept: SweepResult) -> None:
    if not outlook_support_present():
        pytest.skip(".msg and TNEF: not yet supported (no ingest_svc.outlook)")
    outlook = [o for o in swept.outcomes if o.file.kind is FileKind.OUTLOOK_MSG]
    assert [(o.file.name, o.refusal) for o in outlook if o.refusal] == []
    tnef = [o for o in swept.outcomes if o.file.kind is FileKind.TNEF]
    kept = {o.file.name for o in tnef if o.stored is None or TNEF in o.attachment_types}
    assert kept == set(TNEF_KEPT_AS_IS)


async def test_no_other_file_of_the_corpus_crashes_normalisation(tmp_path: Path) -> None:
    """The expected results, fixtures and licences are bytes a mailbox could hold too: offered
    as emails, each is normalised or refused with a domain error."""
    crashes: list[str] = []
    async with ingest_store(tmp_path) as store:
        for file in corpus_files():
            if file.kind in MESSAGE_KINDS:
                continue
            submission = Submission(Channel.EMAIL, file_name=file.name, raw=file.path.read_bytes())
            try:
                normalise(submission, store.front_door.limits)
            except ConfluxError:
                continue
            except Exception as error:  # anything but a domain error is a crash to report
                crashes.append(f"{file.label}: {error!r}")
    assert crashes == []
