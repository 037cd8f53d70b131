"""Which files of the public email corpus are messages, and why.

The corpus (``../shared/data/email``, see its README) holds messages of seven test suites next to
those suites' expected results, fixtures and licences. Every file gets a kind from the first
rule that matches it: a rule names the suite, a location and name pattern inside the suite,
and, where the name alone would be ambiguous, the magic bytes that must open the file (a
james_mime4j ``.msg`` is a text message, an Apache POI ``.msg`` an OLE2 container). A file no rule
matches is ``UNCLASSIFIED``: the sweep fails on it, so that a new file is looked at, not ignored.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ingest_svc.media_types import EMAIL_HEADER_NAMES

EMAIL_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "email"
"""``../shared/data/email`` seen from the repository's root."""

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
_HEAD_BYTES = 8192


class FileKind(Enum):
    """What a corpus file is."""

    RFC822 = "RFC 822 message"
    OUTLOOK_MSG = "Outlook .msg"
    TNEF = "TNEF payload"
    MBOX = "mbox archive"
    EXPECTED_RESULT = "expected result"
    FIXTURE = "other fixture"
    DOCUMENTATION = "licence or description"
    UNCLASSIFIED = "unclassified"


MESSAGE_KINDS = frozenset({FileKind.RFC822, FileKind.OUTLOOK_MSG, FileKind.TNEF})
"""The kinds the sweep sends through ingestion."""


@dataclass(frozen=True)
class CorpusFile:
    """One file of the corpus, its kind and the rule that gave it."""

    path: Path
    suite: str
    name: str
    """The path inside the suite's folder, with ``/``."""
    kind: FileKind
    why: str

    @property
    def label(self) -> str:
        """``suite/name``, how reports name the file."""
        return f"{self.suite}/{self.name}"


def _starts_with(signature: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signature)


def _is_not_ole2(head: bytes) -> bool:
    return not head.startswith(OLE2_SIGNATURE)


def _names_an_email_header(head: bytes) -> bool:
    """True when the header block (up to the first blank line) has an email header field."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = {line.split(b":", 1)[0].strip().lower() for line in block.split(b"\n") if b":" in line}
    return any(name.decode("latin-1") in EMAIL_HEADER_NAMES for name in names)


@dataclass(frozen=True)
class _Rule:
    suite: str
    """The suite's folder, or ``*`` for every suite."""
    pattern: str
    """``fnmatch`` pattern on the path inside the suite (``*`` crosses folders)."""
    kind: FileKind
    why: str
    magic: Callable[[bytes], bool] | None = None
    """When given, the file's first bytes must satisfy it."""


ZBATESON = "zbateson_mail_mime_parser"
MIME4J = "james_mime4j"
CPYTHON = "cpython_test_email"
FLANKER = "flanker"
SPAMSCOPE = "spamscope_mail_parser"
POI = "apache_poi_hsmf_msg"
TNEFPARSE = "tnefparse"

RULES: tuple[_Rule, ...] = (
    _Rule("*", "*LICENSE*", FileKind.DOCUMENTATION, "licence"),
    _Rule("*", "*README*", FileKind.DOCUMENTATION, "readme"),
    _Rule(
        ZBATESON,
        "EmailFunctionalTest.php.txt",
        FileKind.EXPECTED_RESULT,
        "the suite's PHPUnit test: expected From, To, Subject, body and attachments per message",
    ),
    _Rule(
        ZBATESON,
        "emails/files/*",
        FileKind.EXPECTED_RESULT,
        "body texts and attachment contents EmailFunctionalTest compares with",
    ),
    _Rule(
        ZBATESON,
        "emails/*.txt",
        FileKind.RFC822,
        "emails/*.txt: MUA samples (Outlook, Netscape, Eudora, Pine) and regression messages",
    ),
    _Rule(
        ZBATESON,
        "headers/*",
        FileKind.RFC822,
        "header-parser fixture whose header block has an email header (From, To, Subject...)",
        _names_an_email_header,
    ),
    _Rule(
        ZBATESON,
        "headers/*",
        FileKind.FIXTURE,
        "header-parser fixture: header lines, none of them an email header",
    ),
    _Rule(MIME4J, "*_decoded*", FileKind.EXPECTED_RESULT, "expected decoded parts (mime4j)"),
    _Rule(MIME4J, "*.xml", FileKind.EXPECTED_RESULT, "expected MIME tree (mime4j)"),
    _Rule(MIME4J, "*.out", FileKind.EXPECTED_RESULT, "expected re-serialised message (mime4j)"),
    _Rule(
        MIME4J,
        "mbox/mbox.rlug",
        FileKind.MBOX,
        "mbox archive (From_ envelope lines) of the five mbox/mbox.rlug-N messages, swept as those",
    ),
    _Rule(
        MIME4J,
        "mbox/mbox.rlug-*",
        FileKind.RFC822,
        "one message of mbox.rlug as mime4j's mbox iterator splits it",
    ),
    _Rule(
        MIME4J,
        "*.msg",
        FileKind.RFC822,
        ".msg test message in text (not an OLE2 container)",
        _is_not_ole2,
    ),
    _Rule(CPYTHON, "msg_*.txt", FileKind.RFC822, "msg_NN.txt: the messages of CPython's tests"),
    _Rule(CPYTHON, "python.*", FileKind.FIXTURE, "image fixture of CPython's MIMEImage tests"),
    _Rule(CPYTHON, "sndhdr.*", FileKind.FIXTURE, "sound fixture of CPython's MIMEAudio tests"),
    _Rule(FLANKER, "dkim/email.*", FileKind.RFC822, "DKIM canonicalisation input (dkim/README)"),
    _Rule(FLANKER, "dkim/*.expected.*", FileKind.EXPECTED_RESULT, "expected DKIM canonical form"),
    _Rule(FLANKER, "dkim/purpose.*", FileKind.DOCUMENTATION, "what a DKIM test exercises"),
    _Rule(FLANKER, "attachments/*", FileKind.FIXTURE, "files flanker's tests attach to mail"),
    _Rule(FLANKER, "*.eml", FileKind.RFC822, ".eml message"),
    _Rule(SPAMSCOPE, "mail_*", FileKind.RFC822, "mail_*: real-world (spam, malformed) message"),
    _Rule(
        POI,
        "*.msg",
        FileKind.OUTLOOK_MSG,
        ".msg opening with the OLE2 signature D0 CF 11 E0",
        _starts_with(OLE2_SIGNATURE),
    ),
    _Rule(
        TNEFPARSE,
        "*.tnef",
        FileKind.TNEF,
        ".tnef opening with the TNEF signature 78 9F 3E 22",
        _starts_with(TNEF_SIGNATURE),
    ),
)


def classify(path: Path, suite: str, name: str, rules: tuple[_Rule, ...] = RULES) -> CorpusFile:
    """The kind of the file at ``path`` (``name`` inside ``suite``) by the first matching rule."""
    head: bytes | None = None
    for rule in rules:
        if rule.suite not in ("*", suite) or not fnmatch.fnmatchcase(name, rule.pattern):
            continue
        if rule.magic is not None:
            if head is None:
                with path.open("rb") as handle:
                    head = handle.read(_HEAD_BYTES)
            if not rule.magic(head):
                continue
        return CorpusFile(path, suite, name, rule.kind, rule.why)
    return CorpusFile(path, suite, name, FileKind.UNCLASSIFIED, "no rule matches it")


def corpus_files(root: Path = EMAIL_CORPUS) -> Iterator[CorpusFile]:
    """Every file under ``root``, classified, in path order."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            suite, _, name = relative.partition("/") if "/" in relative else ("", "", relative)
            yield classify(path, suite, name)
