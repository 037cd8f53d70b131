"""Files on disk as items: kinds, mailboxes, sidecars and the file name convention."""

import json
import mailbox
from pathlib import Path

import pytest

from chassis.vocabulary import Channel
from ingest_svc.file_items import (
    FileItem,
    InvalidSidecarError,
    SkippedFile,
    discover,
    file_name_metadata,
    read_file_item,
)
from tests.support.documents import email_bytes

PDF = b"%PDF-1.4\n%%EOF\n"


def _email(subject: str) -> bytes:
    return email_bytes(sender="a@example.com", subject=subject, body="corps")


def test_each_kind_of_file_is_an_item_of_its_channel(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(_email("un"))
    (tmp_path / "b.msg").write_bytes(b"\xd0\xcf\x11\xe0 outlook")
    (tmp_path / "c.pdf").write_bytes(PDF)
    (tmp_path / "d.json").write_text(json.dumps({"channel": "sms", "body": "Bonjour"}))
    (tmp_path / "e.json").write_text(json.dumps({"channel": "pigeon"}))
    (tmp_path / "f.txt").write_text("notes")
    (tmp_path / "c.pdf.meta.json").write_text("{}")
    (tmp_path / ".hidden.pdf").write_bytes(PDF)
    (tmp_path / "README.md").write_text("# inbox")

    found = list(discover([tmp_path, tmp_path / "missing.eml"]))

    items = [(f.file_name, f.channel, f.media_type) for f in found if isinstance(f, FileItem)]
    assert items == [
        ("a.eml", Channel.EMAIL, "message/rfc822"),
        ("b.msg", Channel.EMAIL, "application/vnd.ms-outlook"),
        ("c.pdf", Channel.MAIL, "application/pdf"),
        ("d.json", Channel.SMS, "application/json"),
        ("e.json", None, "application/json"),
    ]
    skipped = [(Path(f.origin).name, f.reason) for f in found if isinstance(f, SkippedFile)]
    assert skipped == [
        ("f.txt", "not an item file (.txt)"),
        ("missing.eml", "no such file or folder"),
    ]


def test_mbox_and_maildir_messages_are_emails(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "archive.mbox")
    box.add(_email("mbox 1"))
    box.add(_email("mbox 2"))
    box.close()
    maildir = mailbox.Maildir(tmp_path / "maildir")
    maildir.add(_email("maildir new"))
    seen = mailbox.MaildirMessage(_email("maildir cur"))
    seen.set_subdir("cur")
    maildir.add(seen)
    maildir.add_folder("Sent").add(_email("maildir sent"))
    (tmp_path / "maildir" / "tmp" / "being-delivered").write_bytes(_email("partial"))

    found = list(discover([tmp_path]))

    assert all(isinstance(f, FileItem) and f.channel is Channel.EMAIL for f in found)
    subjects = sorted(
        next(line for line in f.raw.splitlines() if line.startswith(b"Subject:")).decode()
        for f in found
        if isinstance(f, FileItem)
    )
    assert subjects == [
        "Subject: maildir cur",
        "Subject: maildir new",
        "Subject: maildir sent",
        "Subject: mbox 1",
        "Subject: mbox 2",
    ]
    assert [f.origin for f in found][:2] == [
        f"{tmp_path / 'archive.mbox'}#1",
        f"{tmp_path / 'archive.mbox'}#2",
    ]


def test_sidecar_metadata_wins_over_the_file_name_convention(tmp_path: Path) -> None:
    scan = tmp_path / "B12__20261103T090000__page-001.pdf"
    scan.write_bytes(PDF)

    by_name = read_file_item(scan, default_channel=Channel.MAIL)
    (tmp_path / f"{scan.name}.meta.json").write_text(
        json.dumps({"channel": "fax", "sent_time": "2026-11-04T10:00:00Z", "metadata": {"lot": 7}})
    )
    with_sidecar = read_file_item(scan, default_channel=Channel.MAIL)

    assert (by_name.channel, dict(by_name.metadata)) == (
        Channel.MAIL,
        {"batch": "B12", "sent_time": "2026-11-03T09:00:00+00:00"},
    )
    assert (with_sidecar.channel, dict(with_sidecar.metadata)) == (
        Channel.FAX,
        {"batch": "B12", "sent_time": "2026-11-04T10:00:00Z", "lot": "7"},
    )


@pytest.mark.parametrize(
    "sidecar",
    ["{not json", "[1, 2]", '{"channel": "pigeon"}', '{"metadata": ["a"]}'],
)
def test_an_invalid_sidecar_is_refused_and_its_document_skipped(
    tmp_path: Path, sidecar: str
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    (tmp_path / "scan.pdf.meta.json").write_text(sidecar)

    with pytest.raises(InvalidSidecarError):
        read_file_item(scan, default_channel=Channel.MAIL)
    (skipped,) = discover([tmp_path])

    assert isinstance(skipped, SkippedFile)
    assert skipped.reason.startswith("its sidecar is not valid: scan.pdf.meta.json")
    assert read_file_item(scan, default_channel=Channel.FAX, with_sidecar=False).channel is (
        Channel.FAX
    )


def test_any_other_file_is_read_as_a_document_for_the_service_to_judge(tmp_path: Path) -> None:
    path = tmp_path / "scan.docx"
    path.write_bytes(b"PK\x03\x04 not a scan")

    item = read_file_item(path, default_channel=Channel.FAX)

    assert (item.channel, item.media_type, item.raw) == (
        Channel.FAX,
        "application/octet-stream",
        b"PK\x03\x04 not a scan",
    )


@pytest.mark.parametrize(
    ("file_name", "metadata"),
    [
        ("B7__20261103T090000Z__p1.tif", {"batch": "B7", "sent_time": "2026-11-03T09:00:00+00:00"}),
        (
            "lot 3__20261103T090000+0100__x.pdf",
            {"batch": "lot 3", "sent_time": "2026-11-03T09:00:00+01:00"},
        ),
        ("B7__20261399T090000__p1.pdf", {}),
        ("B7_20261103T090000_p1.pdf", {}),
        ("scan0001.pdf", {}),
    ],
)
def test_file_name_convention(file_name: str, metadata: dict[str, str]) -> None:
    assert file_name_metadata(file_name) == metadata
