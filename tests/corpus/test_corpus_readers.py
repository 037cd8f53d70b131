"""The sweep's own readers on small files written here: the PHP literals and PHPUnit tests of
zbateson, mime4j's expected trees, the classification rules and the comparison. Not marked
``corpus``: they need no public data and run with the other unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpus.corpus_files import OLE2_SIGNATURE, FileKind, classify, corpus_files
from tests.corpus.expected_message import (
    ExpectedMessage,
    StoredAttachment,
    StoredMessage,
    mismatches,
)
from tests.corpus.mime4j_expectations import mime4j_expectations
from tests.corpus.php_literal import (
    PhpLiteralError,
    PhpNew,
    blank_php_comments,
    read_php_value,
)
from tests.corpus.zbateson_expectations import TEST_FILE, zbateson_expectations


def test_php_arrays_keep_keys_order_and_implicit_indexes() -> None:
    text = """x([
        'From' => ['name' => 'Jürgen \\'J\\' S', 'email' => "j@example.com"],  // who
        'parts' => ['multipart/mixed' => ['text/plain', 'image/png',],],
        'attachments' => 3, 'signed' => false, 'Date' => new DateTime('13 Mar 2003 12:44:07 -0500'),
    ]);"""
    value, end = read_php_value(text, text.index("["))
    assert text[end:] == ");"
    assert value == {
        "From": {"name": "Jürgen 'J' S", "email": "j@example.com"},
        "parts": {"multipart/mixed": {0: "text/plain", 1: "image/png"}},
        "attachments": 3,
        "signed": False,
        "Date": PhpNew("DateTime", ("13 Mar 2003 12:44:07 -0500",)),
    }


def test_a_php_expression_is_refused_with_its_line() -> None:
    with pytest.raises(PhpLiteralError, match="line 2"):
        read_php_value("[\n 'a' => $value]", 0)


def test_comments_are_blanked_but_not_inside_strings() -> None:
    text = "a('http://x'); // gone\n/* gone\n too */ b('#kept')"
    blanked = blank_php_comments(text)
    assert len(blanked) == len(text)
    assert blanked.count("\n") == 2
    assert "gone" not in blanked
    assert "'http://x'" in blanked
    assert "'#kept'" in blanked


def test_zbateson_expectations_come_from_parse_tests_only(tmp_path: Path) -> None:
    (tmp_path / "emails" / "files").mkdir(parents=True)
    (tmp_path / "emails" / "files" / "body.txt").write_bytes("Grüße\r\n".encode("latin-1"))
    (tmp_path / "emails" / "files" / "ball.png").write_bytes(b"\x89PNG")
    (tmp_path / TEST_FILE).write_text(
        """<?php
    public function testParseEmailm0001() : void
    {
        $this->runEmailTest('m0001', [
            'From' => ['name' => 'Doug', 'email' => 'doug@example.com'],
            'To' => ['name' => 'Joe', 'email' => 'joe@example.com'],
            'Subject' => 'Hello',
            'Date' => new DateTime('13 Mar 2003 12:44:07 -0500'),
            'text' => 'body.txt',
            'attachments' => 1,
        ]);
    }
    /*
    public function testParseEmailm0002() : void
    {
        $this->runEmailTest('m0002', ['Subject' => 'commented out']);
    }*/
    public function testParseEmailm0003() : void
    {
        $handle = \\fopen($this->messageDir . '/m0003.txt', 'r');
        $this->assertTextContentTypeEquals('body.txt', $f, $failMessage);
    }
    public function testRemoveAttachmentPartm0001() : void
    {
        $this->runEmailTest('m0001', ['Subject' => 'modified, not an expectation']);
    }
""",
        encoding="utf-8",
    )
    expectations = zbateson_expectations(tmp_path)
    assert sorted(expectations) == ["emails/m0001.txt", "emails/m0003.txt"]
    first = expectations["emails/m0001.txt"]
    assert (first.sender, first.sender_name, first.recipient) == (
        "doug@example.com",
        "Doug",
        "joe@example.com",
    )
    assert first.subject == "Hello"
    assert first.sent_time == datetime(2003, 3, 13, 17, 44, 7, tzinfo=UTC)
    assert first.body_text == "Grüße\r\n"
    assert first.attachment_count == 1
    assert first.attachment_contents["ball.png"] == b"\x89PNG"
    assert expectations["emails/m0003.txt"].subject is None
    assert expectations["emails/m0003.txt"].body_text == "Grüße\r\n"


def test_mime4j_trees_give_subject_sender_body_and_names(tmp_path: Path) -> None:
    (tmp_path / "m.msg").write_bytes(b"From: x\n\nbody")
    (tmp_path / "m_decoded_1_1.txt").write_bytes("Prüfung\n".encode("iso-8859-1"))
    (tmp_path / "m_decoded_1_2_1.txt").write_bytes(b"forwarded text")
    (tmp_path / "m_decoded_1_3.bin").write_bytes(b"GIF89a")
    (tmp_path / "m_decoded.xml").write_text(
        """<message><header>
<field>
From: =?ISO-8859-1?Q?J=F6rn?= &lt;joern@example.com&gt;</field>
<field>
Subject: =?UTF-8?B?w4lsw6h2ZQ==?=</field>
<field>
Content-Type: multipart/mixed; boundary="b"</field>
</header><multipart><preamble/>
<body-part><header><field>
Content-Type: text/plain; charset=iso-8859-1</field></header>
<text-body name="m_decoded_1_1.txt"/></body-part>
<body-part><header><field>
Content-Type: message/rfc822</field></header>
<message><header><field>
Content-Type: text/plain</field></header><text-body name="m_decoded_1_2_1.txt"/></message>
</body-part>
<body-part><header><field>
Content-Type: image/gif; name="C:\\\\images\\\\eye.gif"</field></header>
<binary-body name="m_decoded_1_3.bin"/></body-part>
<epilogue/></multipart></message>""",
        encoding="utf-8",
    )
    expected = mime4j_expectations(tmp_path)["m.msg"]
    assert (expected.sender, expected.sender_name) == ("joern@example.com", "Jörn")
    assert expected.subject == "Élève"
    assert expected.body_text == "Prüfung\n"
    assert expected.attachment_names == ("eye.gif",)


def test_rules_tell_messages_by_location_and_magic_bytes(tmp_path: Path) -> None:
    suite = tmp_path / "james_mime4j"
    suite.mkdir()
    (suite / "text.msg").write_bytes(b"Subject: hi\n\nbody")
    (suite / "outlook.msg").write_bytes(OLE2_SIGNATURE + b"\x00" * 8)
    (suite / "text.xml").write_bytes(b"<message/>")
    (suite / "stray.bin").write_bytes(b"\x00")
    kinds = {f.name: f.kind for f in corpus_files(tmp_path)}
    assert kinds == {
        "text.msg": FileKind.RFC822,
        "outlook.msg": FileKind.UNCLASSIFIED,
        "text.xml": FileKind.EXPECTED_RESULT,
        "stray.bin": FileKind.UNCLASSIFIED,
    }
    poi = classify(suite / "outlook.msg", "apache_poi_hsmf_msg", "outlook.msg")
    assert poi.kind is FileKind.OUTLOOK_MSG


STORED = StoredMessage(
    sender="doug@example.com",
    sender_name="Doug  Sauder",
    recipients=("joe@example.com",),
    subject="Die Hasen und\n die Frösche",
    sent_time=None,
    body_text="Intro.\n\nDie Hasen\r\nkamen.\n\n---------- Forwarded message ----------",
    attachments=(StoredAttachment("a.txt", "text/plain", b"one\r\ntwo\r\n"),),
)


def test_matching_normalises_whitespace_and_looks_for_the_body_inside() -> None:
    expected = ExpectedMessage(
        source="test",
        sender="Doug@example.com",
        sender_name="Doug Sauder",
        recipient="joe@example.com",
        subject="Die Hasen und die Frösche",
        body_text="Die Hasen kamen.",
        attachment_count=1,
        attachment_names=("a.txt",),
        attachment_contents={"a.txt": b"one\ntwo\n"},
    )
    assert mismatches("m", expected, STORED) == []


def test_each_differing_field_is_one_mismatch() -> None:
    expected = ExpectedMessage(
        source="test",
        subject="Other",
        body_text="Die Hasen gingen.",
        attachment_count=2,
        attachment_names=("b.txt",),
        attachment_contents={"a.txt": b"three"},
    )
    found = {m.field: m for m in mismatches("m", expected, STORED)}
    assert sorted(found) == [
        "attachment_content[a.txt]",
        "attachment_count",
        "attachment_names",
        "body_text",
        "subject",
    ]
    assert found["body_text"].expected.startswith("10 of 17 chars found, then 'gingen.'")
