"""Expectations of zbateson/mail-mime-parser, read from its PHPUnit test ``EmailFunctionalTest``.

Each ``testParseEmail*`` method parses one ``emails/<key>.txt`` and checks it against a PHP array
(``runEmailTest('<key>', [...])`` or ``$props = [...]``; a few check only the text part, with
``assertTextContentTypeEquals('<file>', ...)``): ``From`` and ``To`` (``name``,
``email``), ``Subject``, ``Date``, ``text`` and ``html`` (a file of ``emails/files`` holding the
expected text of the text or HTML part, in ISO-8859-1), ``attachments`` (their count; each one
whose file name is in ``emails/files`` must have that file's content). The other methods modify
messages before checking them and are not expectations about the corpus as it is.

The HTML expectation is used only for a message without a text one: Conflux takes the text
alternative as the body when there is one, so the HTML part's text is not in it.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from tests.corpus.expected_message import ExpectedMessage
from tests.corpus.php_literal import PhpNew, PhpValue, blank_php_comments, read_php_value

TEST_FILE = "EmailFunctionalTest.php.txt"
_METHOD = re.compile(r"(?:public|protected|private)\s+function\s+(\w+)\s*\(")
_PARSE_TEST = re.compile(r"testParseEmail\w*")
_RUN_EMAIL_TEST = re.compile(r"runEmailTest\(\s*'([^']+)'\s*,\s*(?=\[)")
_PROPS_ASSIGNMENT = re.compile(r"\$props\s*=\s*(?=\[)")
_OPENED_MESSAGE = re.compile(r"messageDir\s*\.\s*'/([^']+)\.txt'")
_TEXT_ASSERTION = re.compile(r"assertTextContentTypeEquals\(\s*'([^']+)'")


class ExpectationFormatError(ValueError):
    """Raised when a ``testParseEmail`` method has no message or no expectations to read."""


def zbateson_expectations(suite: Path) -> dict[str, ExpectedMessage]:
    """Expectations by message name inside the suite (``emails/m0001.txt``); the first test
    of a message wins (the later ones repeat it)."""
    # Commented-out tests are not expectations.
    text = blank_php_comments((suite / TEST_FILE).read_text(encoding="utf-8"))
    files = suite / "emails" / "files"
    expectations: dict[str, ExpectedMessage] = {}
    methods = list(_METHOD.finditer(text))
    for index, method in enumerate(methods):
        if not _PARSE_TEST.fullmatch(method.group(1)):
            continue
        end = methods[index + 1].start() if index + 1 < len(methods) else len(text)
        key, props = _key_and_props(text, method.end(), end, method.group(1))
        source = f"{TEST_FILE}::{method.group(1)}"
        expectations.setdefault(f"emails/{key}.txt", _expected(props, files, source))
    return expectations


def _key_and_props(text: str, start: int, end: int, method: str) -> tuple[str, PhpValue]:
    body = text[start:end]
    run = _RUN_EMAIL_TEST.search(body)
    if run is not None:
        return run.group(1), read_php_value(text, start + run.end())[0]
    opened = _OPENED_MESSAGE.search(body)
    if opened is None:
        raise ExpectationFormatError(f"{method}: opens no message of emails/")
    props = _PROPS_ASSIGNMENT.search(body)
    if props is not None:
        return opened.group(1), read_php_value(text, start + props.end())[0]
    # A test that only checks the text part (after overriding a wrongly declared charset).
    text_file = _TEXT_ASSERTION.search(body)
    if text_file is None:
        raise ExpectationFormatError(f"{method}: neither expectations nor a text assertion")
    return opened.group(1), {"text": text_file.group(1)}


def _expected(props: PhpValue, files: Path, source: str) -> ExpectedMessage:
    if not isinstance(props, dict):
        raise ExpectationFormatError(f"{source}: the expectations are not an array")
    sender = _entry(props, "From")
    recipient = _entry(props, "To")
    text_file = props.get("text") or props.get("html")
    attachments = props.get("attachments")
    return ExpectedMessage(
        source=source,
        sender=_string(sender, "email"),
        sender_name=_string(sender, "name"),
        recipient=_string(recipient, "email"),
        subject=_string(props, "Subject"),
        sent_time=_date(props.get("Date")),
        body_text=(files / text_file).read_bytes().decode("latin-1")
        if isinstance(text_file, str)
        else None,
        attachment_count=attachments if isinstance(attachments, int) and attachments else None,
        attachment_contents={path.name: path.read_bytes() for path in files.iterdir()}
        if attachments
        else {},
    )


def _entry(props: dict[str | int, PhpValue], key: str) -> dict[str | int, PhpValue]:
    value = props.get(key)
    return value if isinstance(value, dict) else {}


def _string(props: dict[str | int, PhpValue], key: str) -> str | None:
    value = props.get(key)
    return value if isinstance(value, str) else None


def _date(value: PhpValue) -> datetime | None:
    if isinstance(value, PhpNew) and value.class_name == "DateTime" and value.arguments:
        argument = value.arguments[0]
        if isinstance(argument, str):
            return parsedate_to_datetime(argument)
    return None
