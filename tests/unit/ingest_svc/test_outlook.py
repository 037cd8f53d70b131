"""Outlook .msg files built here: normalised like RFC 822 mail, alone, inside emails and by intake.

The .msg files are written with extract-msg's OLE writer (``tests/support/outlook_files``);
real Outlook files are read by the corpus test (``tests/corpus/test_outlook_corpus.py``).
"""

from datetime import UTC, datetime
from email.message import EmailMessage
from io import BytesIO

import pytest
from extract_msg.ole_writer import OleWriter

from chassis.errors import InvalidArgumentError
from chassis.vocabulary import Channel
from ingest_svc.email_parsing import FORWARDED_SEPARATOR, parse_email
from ingest_svc.intake import Limits, Submission, normalise
from ingest_svc.media_types import OUTLOOK_MESSAGE
from ingest_svc.outlook import parse_outlook_message
from ingest_svc.parsed_email import EmailLimitExceededError, MalformedEmailError
from tests.support.outlook_files import (
    CC,
    TO,
    MsgAttachment,
    MsgMessage,
    msg_bytes,
    tnef_bytes,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16) + b"IEND"
LIMITS = Limits(max_item_bytes=1_000_000, max_attachments=10, max_nesting_depth=3)


def _message(**changes: object) -> MsgMessage:
    fields: dict[str, object] = {
        "subject": "Résiliation du contrat CTR-20240871",
        "body": "Bonjour,\r\nje souhaite résilier mon contrat.\r\n",
        "sender_name": "Jeanne Martin",
        "sender_address": "Jeanne.Martin@Example.FR",
        "recipients": [
            ("Service client", "service@assureur.fr", TO),
            ("Agence", "Agence@Assureur.fr", CC),
        ],
        "sent_time": datetime(2024, 3, 5, 9, 15, tzinfo=UTC),
        "message_id": "<abc.123@example.fr>",
        "in_reply_to": "<earlier.1@assureur.fr>",
    }
    fields.update(changes)
    return MsgMessage(**fields)  # type: ignore[arg-type]


def test_headers_and_body_are_read_like_an_email() -> None:
    parsed = parse_outlook_message(msg_bytes(_message()))

    assert parsed.sender == "jeanne.martin@example.fr"
    assert parsed.sender_name == "Jeanne Martin"
    assert parsed.recipients == ("service@assureur.fr", "agence@assureur.fr")
    assert parsed.subject == "Résiliation du contrat CTR-20240871"
    assert parsed.sent_time == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert parsed.message_id == "abc.123@example.fr"
    assert parsed.thread_message_ids == ("earlier.1@assureur.fr",)
    assert parsed.body_text == "Bonjour,\nje souhaite résilier mon contrat."
    assert parsed.auto_reply_reason == ""
    assert parsed.defects == ()


def test_html_body_is_decoded_in_the_internet_code_page_and_made_readable() -> None:
    # The <meta> lies (Outlook keeps it from the original): the message's code page is right.
    html = '<html><meta charset="utf-8"><body><p>Здравствуйте,</p><p>мой номер</p></body></html>'
    parsed = parse_outlook_message(
        msg_bytes(_message(body=None, html_body=html.encode("cp1251"), internet_codepage=1251))
    )

    assert parsed.body_text == "Здравствуйте,\n\nмой номер"


def test_rtf_body_is_made_readable() -> None:
    rtf = rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 Madame,\par Ci-joint l'\'e9tat.\par}"

    parsed = parse_outlook_message(msg_bytes(_message(body=None, rtf_body=rtf)))

    assert parsed.body_text == "Madame,\nCi-joint l'état."


def test_an_exchange_sender_is_found_by_its_smtp_address_or_reported_missing() -> None:
    exchange = _message(
        sender_name="/o=Assureur/ou=Exchange/cn=Recipients/cn=jmartin@x",
        sender_address="",
    )

    parsed = parse_outlook_message(msg_bytes(exchange))

    assert parsed.sender == ""
    assert "no sender address" in parsed.defects


def test_attachments_inline_images_and_winmail_dat_are_documents() -> None:
    message = _message(
        attachments=[
            MsgAttachment("contrat.pdf", PDF, "application/octet-stream"),
            MsgAttachment(
                "image001.png", PNG, "image/png", content_id="image001@01D0", hidden=True
            ),
            MsgAttachment("winmail.dat", tnef_bytes(files=[("releve.pdf", PDF)])),
        ]
    )

    attachments = parse_outlook_message(msg_bytes(message)).attachments

    assert [(a.file_name, a.media_type, a.content_id, a.inline) for a in attachments] == [
        ("contrat.pdf", "application/pdf", "", False),
        ("image001.png", "image/png", "image001@01D0", True),
        ("releve.pdf", "application/pdf", "", False),
    ]
    assert attachments[0].data == PDF


def test_embedded_messages_are_forwarded_messages_with_their_attachments() -> None:
    innermost = MsgMessage(
        subject="Devis", body="Le devis", attachments=[MsgAttachment("devis.pdf", PDF)]
    )
    forwarded = MsgMessage(
        subject="Sinistre du 2 mars",
        body="Texte du message transféré",
        sender_name="Paul Durand",
        sender_address="paul@example.com",
        attachments=[MsgAttachment("photo.png", PNG), innermost],
    )

    parsed = parse_outlook_message(
        msg_bytes(_message(body="Voir ci-dessous.", attachments=[forwarded]))
    )

    assert parsed.body_text.startswith(f"Voir ci-dessous.\n\n{FORWARDED_SEPARATOR}\n")
    assert "From: Paul Durand <paul@example.com>\nSubject: Sinistre du 2 mars" in parsed.body_text
    assert parsed.body_text.endswith("Le devis")
    assert [(a.file_name, a.nesting_path) for a in parsed.attachments] == [
        ("photo.png", "1"),
        ("devis.pdf", "1.1"),
    ]


def test_limits_apply_to_embedded_messages_and_attachments() -> None:
    nested = MsgMessage(subject="2", attachments=[MsgMessage(subject="3", body="fond")])
    raw = msg_bytes(_message(attachments=[nested]))
    many = msg_bytes(_message(attachments=[MsgAttachment(f"{n}.pdf", PDF) for n in range(4)]))

    assert parse_outlook_message(raw, max_nesting_depth=2).body_text.endswith("fond")
    with pytest.raises(EmailLimitExceededError) as too_deep:
        parse_outlook_message(raw, max_nesting_depth=1)
    with pytest.raises(EmailLimitExceededError) as too_many:
        parse_outlook_message(many, max_attachments=3)

    assert too_deep.value.limit == "max_nesting_depth"
    assert too_many.value.limit == "max_attachments"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (_message(transport_headers="Auto-Submitted: auto-replied\r\n"), "Auto-Submitted"),
        (_message(message_class="REPORT.IPM.Note.NDR"), "REPORT.IPM.Note.NDR"),
        (_message(subject="Réponse automatique : absent"), "automatic reply"),
    ],
)
def test_automatic_replies_are_recognised(message: MsgMessage, reason: str) -> None:
    assert reason in parse_outlook_message(msg_bytes(message)).auto_reply_reason


def test_an_outlook_item_that_is_no_message_is_read_with_a_defect() -> None:
    parsed = parse_outlook_message(msg_bytes(_message(message_class="IPM.Contact")))

    assert parsed.subject.startswith("Résiliation")
    assert "an Outlook IPM.Contact item, not a message" in parsed.defects


def _ole_file(stream_name: str) -> bytes:
    writer = OleWriter()
    writer.addEntry([stream_name], b"not a message")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"From: a@example.fr\r\n\r\ntext", "not a readable Outlook message"),
        (_ole_file("WordDocument"), "without an Outlook message class"),
        (msg_bytes(_message())[:1500], "not a readable Outlook message"),
    ],
)
def test_what_is_not_an_outlook_message_is_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedEmailError) as refused:
        parse_outlook_message(raw)

    assert reason in refused.value.reason


def _email_with(attachment: bytes, file_name: str) -> bytes:
    message = EmailMessage()
    message["From"] = "agent@assureur.fr"
    message["Subject"] = "TR: message du client"
    message.set_content("Voir le message joint.")
    message.add_attachment(
        attachment, maintype="application", subtype="vnd.ms-outlook", filename=file_name
    )
    return message.as_bytes()


def test_an_msg_attached_to_an_email_is_unpacked_as_a_forwarded_message() -> None:
    client = _message(attachments=[MsgAttachment("contrat.pdf", PDF)])

    parsed = parse_email(_email_with(msg_bytes(client), "client.msg"))

    assert parsed.body_text.startswith(f"Voir le message joint.\n\n{FORWARDED_SEPARATOR}\n")
    assert "From: Jeanne Martin <jeanne.martin@example.fr>" in parsed.body_text
    assert "Date: Tue, 05 Mar 2024 09:15:00 +0000" in parsed.body_text
    assert parsed.body_text.endswith("je souhaite résilier mon contrat.")
    assert [(a.file_name, a.nesting_path) for a in parsed.attachments] == [("contrat.pdf", "1")]


def test_a_damaged_msg_attached_to_an_email_is_kept_with_a_defect() -> None:
    damaged = msg_bytes(_message())[:1500]

    parsed = parse_email(_email_with(damaged, "client.msg"))

    (kept,) = parsed.attachments
    assert (kept.file_name, kept.media_type, kept.data) == ("client.msg", OUTLOOK_MESSAGE, damaged)
    assert any("client.msg" in defect for defect in parsed.defects)


def test_intake_reads_an_email_submitted_as_msg() -> None:
    raw = msg_bytes(_message(attachments=[MsgAttachment("contrat.pdf", PDF)]))

    item = normalise(Submission(channel=Channel.EMAIL, file_name="mail.msg", raw=raw), LIMITS)

    assert item.raw == raw
    assert item.raw_media_type == OUTLOOK_MESSAGE
    assert item.dedup_key == "message-id:abc.123@example.fr"
    assert item.sender == "jeanne.martin@example.fr"
    assert [a.file_name for a in item.attachments] == ["contrat.pdf"]


def test_intake_refuses_a_damaged_msg_as_a_malformed_email() -> None:
    damaged = msg_bytes(_message())[:1500]

    with pytest.raises(InvalidArgumentError) as refused:
        normalise(Submission(channel=Channel.EMAIL, raw=damaged), LIMITS)

    assert refused.value.reason == "MALFORMED_EMAIL"
