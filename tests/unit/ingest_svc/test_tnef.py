"""TNEF streams built here: unpacked alone, and as the winmail.dat of an email."""

from email.message import EmailMessage

import pytest

from ingest_svc.email_parsing import EmailLimitExceededError, parse_email
from ingest_svc.tnef import MalformedTnefError, TnefFile, unpack_tnef
from tests.support.outlook_files import tnef_bytes

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _email_with_winmail(winmail: bytes, body: str = "Bonjour, voir pièces jointes.") -> bytes:
    message = EmailMessage()
    message["From"] = "Jeanne Martin <jeanne@example.fr>"
    message["To"] = "service@assureur.fr"
    message["Subject"] = "Pièces"
    message.set_content(body or "")
    message.add_attachment(
        winmail, maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    return message.as_bytes()


def test_files_subject_and_body_are_unpacked() -> None:
    tnef = tnef_bytes(
        files=[("attestation.pdf", PDF), ("notes.txt", b"ligne 1\n")],
        body="Texte du message",
        subject="Sinistre 42",
    )

    message = unpack_tnef(tnef)

    assert message.subject == "Sinistre 42"
    assert message.body_text == "Texte du message"
    assert message.attachments == (
        TnefFile(PDF, "attestation.pdf"),
        TnefFile(b"ligne 1\n", "notes.txt"),
    )
    assert message.defects == ()


def test_damaged_checksums_keep_the_content() -> None:
    message = unpack_tnef(tnef_bytes(files=[("a.pdf", PDF)], damaged_checksum=True))

    assert message.attachments == (TnefFile(PDF, "a.pdf"),)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "no TNEF signature"),
        (b"PK\x03\x04 a zip", "no TNEF signature"),
        (b"\x78\x9f\x3e\x22\x01", "not decodable as TNEF"),
    ],
)
def test_what_is_not_tnef_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedTnefError) as refused:
        unpack_tnef(data)

    assert reason in refused.value.reason


def test_winmail_dat_of_an_email_is_replaced_by_its_files() -> None:
    winmail = tnef_bytes(files=[("contrat.pdf", PDF), ("photo.txt", b"x")], body="corps RTF")

    parsed = parse_email(_email_with_winmail(winmail))

    assert [(a.file_name, a.media_type) for a in parsed.attachments] == [
        ("contrat.pdf", "application/pdf"),
        ("photo.txt", "text/plain"),
    ]
    assert parsed.body_text == "Bonjour, voir pièces jointes."
    assert parsed.defects == ()


def test_the_tnef_body_is_the_text_of_an_email_that_has_none() -> None:
    winmail = tnef_bytes(files=[("contrat.pdf", PDF)], body="Le texte est dans le TNEF")

    parsed = parse_email(_email_with_winmail(winmail, body=""))

    assert parsed.body_text == "Le texte est dans le TNEF"


# An attachment attribute before any attachment was opened: tnefparse cannot decode it.
ATTACHMENT_TITLE_FIRST = (
    b"\x78\x9f\x3e\x22\x01\x00" + b"\x02\x10\x80\x01\x00\x05\x00\x00\x00name\x00\x9d\x01"
)


@pytest.mark.parametrize(
    ("winmail", "problem"),
    [(ATTACHMENT_TITLE_FIRST, "not decodable"), (tnef_bytes(), "no file or text")],
)
def test_a_winmail_dat_that_gives_nothing_is_kept_with_a_defect(
    winmail: bytes, problem: str
) -> None:
    parsed = parse_email(_email_with_winmail(winmail))

    (kept,) = parsed.attachments
    assert (kept.file_name, kept.media_type, kept.data) == (
        "winmail.dat",
        "application/ms-tnef",
        winmail,
    )
    assert any(
        "winmail.dat" in defect and "kept" in defect and problem in defect
        for defect in parsed.defects
    )


def test_unpacked_files_count_against_the_attachment_limit() -> None:
    winmail = tnef_bytes(files=[(f"page-{n}.pdf", PDF) for n in range(3)])

    assert len(parse_email(_email_with_winmail(winmail), max_attachments=3).attachments) == 3
    with pytest.raises(EmailLimitExceededError) as exceeded:
        parse_email(_email_with_winmail(winmail), max_attachments=2)

    assert exceeded.value.limit == "max_attachments"
