"""Expectations of Apache James mime4j, read from its expected MIME trees (``X_decoded.xml``).

For each message ``X.msg``, mime4j's test suite keeps the tree its parser must produce: the header
fields of every entity as they arrived, multiparts, nested messages, and each leaf body decoded
into a file (``X_decoded_1_2.txt``, ``.bin``). From it this reads, with the standard library's
strict parser (``policy.default``) as an independent decoder of the header fields:

- the subject and the first From address (and its display name, when it has one) of the
  top-level message;
- the body text: the first ``text/plain`` leaf of the top-level message that is not an
  attachment (no file name, no ``attachment`` disposition), decoded in its declared charset;
  a message without one (HTML only, images only) has no body expectation;
- the attachment names: the file name of every leaf that has one, nested messages included,
  reduced to its last path component (Conflux keeps the name, not the sender's folders).

Leaves without a file name are not counted as attachments: mime4j and Conflux disagree on what
an unnamed part is (Conflux keeps an unnamed image as an attachment, mime4j has no such notion).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import HeaderParser
from pathlib import Path
from xml.etree import ElementTree

from tests.corpus.expected_message import ExpectedMessage

TREE_SUFFIX = "_decoded.xml"
_HEADER_PARSER = HeaderParser(policy=policy.default)
_LEAF_TAGS = ("text-body", "binary-body")


@dataclass
class _TreeReading:
    """What the walk of one tree found."""

    folder: Path
    body_text: str | None = None
    attachment_names: list[str] = field(default_factory=list)


def mime4j_expectations(suite: Path) -> dict[str, ExpectedMessage]:
    """Expectations by message name inside the suite (``testmsgs/simple.msg``), for every
    message that has an expected tree."""
    expectations: dict[str, ExpectedMessage] = {}
    for tree_path in sorted(suite.rglob(f"*{TREE_SUFFIX}")):
        message_path = tree_path.with_name(tree_path.name.removesuffix(TREE_SUFFIX) + ".msg")
        if not message_path.is_file():
            continue
        expectations[message_path.relative_to(suite).as_posix()] = expected_from_tree(tree_path)
    return expectations


def expected_from_tree(tree_path: Path) -> ExpectedMessage:
    """The expectations written in one expected tree."""
    root = ElementTree.parse(tree_path).getroot()
    headers = _headers(root)
    reading = _TreeReading(tree_path.parent)
    _walk(root, reading, nested=False)
    sender, sender_name = _first_from(headers)
    subject = headers.get("Subject")
    return ExpectedMessage(
        source=tree_path.name,
        sender=sender,
        sender_name=sender_name,
        subject=None if subject is None else str(subject),
        body_text=reading.body_text,
        attachment_names=tuple(reading.attachment_names),
    )


def _walk(entity: ElementTree.Element, reading: _TreeReading, *, nested: bool) -> None:
    """Walks a ``message`` or ``body-part`` element: its content is a leaf, a multipart or a
    message."""
    headers = _headers(entity)
    for child in entity:
        if child.tag in _LEAF_TAGS:
            _leaf(headers, child, reading, nested=nested)
        elif child.tag == "multipart":
            for part in child.findall("body-part"):
                _walk(part, reading, nested=nested)
        elif child.tag == "message":
            _walk(child, reading, nested=True)


def _leaf(
    headers: EmailMessage, leaf: ElementTree.Element, reading: _TreeReading, *, nested: bool
) -> None:
    file_name = headers.get_filename()
    if file_name:
        reading.attachment_names.append(re.split(r"[/\\]", file_name)[-1].strip())
        return
    if (
        reading.body_text is None
        and not nested
        and headers.get_content_type() == "text/plain"
        and headers.get_content_disposition() != "attachment"
    ):
        data = (reading.folder / leaf.attrib["name"]).read_bytes()
        reading.body_text = data.decode(_codec(headers.get_content_charset()), errors="replace")


def _headers(entity: ElementTree.Element) -> EmailMessage:
    """The entity's header fields, parsed by the strict standard parser."""
    header = entity.find("header")
    fields = [] if header is None else [(f.text or "").strip("\r\n") for f in header.iter("field")]
    parsed = _HEADER_PARSER.parsestr("\n".join(fields) + "\n\n")
    assert isinstance(parsed, EmailMessage)
    return parsed


def _first_from(headers: EmailMessage) -> tuple[str | None, str | None]:
    from_header = headers.get("From")
    addresses = getattr(from_header, "addresses", ())
    if not addresses or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        return None, None
    # The tree states no display name: an empty one read here is no expectation.
    return addresses[0].addr_spec, addresses[0].display_name or None


def _codec(charset: str | None) -> str:
    try:
        return codecs.lookup(charset or "us-ascii").name
    except LookupError:
        # An unknown charset: Latin-1 keeps every byte, which is what a reader sees too.
        return "latin-1"
