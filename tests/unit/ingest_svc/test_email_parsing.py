"""parse_email on emails built here: bodies, attachments, forwards, charsets, signals, refusals."""

import base64
import io
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from PIL import Image

from ingest_svc.email_parsing import (
    FORWARDED_SEPARATOR,
    EmailLimitExceededError,
    MalformedEmailError,
    ParsedEmail,
    parse_email,
)


def _email(
    subject: str = "Contrat 12345", body: str = "Bonjour,\nje souhaite résilier."
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jeanne Martin <Jeanne.Martin@Example.FR>"
    message["To"] = "service-client@assureur.fr"
    message["Subject"] = subject
    message["Date"] = "Tue, 05 Mar 2024 10:15:00 +0100"
    message["Message-ID"] = "<abc.123@example.fr>"
    message.set_content(body)
    return message


def _pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "PDF")
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def _parse(message: EmailMessage, **limits: int) -> ParsedEmail:
    return parse_email(message.as_bytes(), **limits)


def test_plain_email_gives_its_header_fields_and_body() -> None:
    parsed = _parse(_email())

    assert parsed.message_id == "abc.123@example.fr"
    assert parsed.sender == "jeanne.martin@example.fr"
    assert parsed.sender_name == "Jeanne Martin"
    assert parsed.recipients == ("service-client@assureur.fr",)
    assert parsed.subject == "Contrat 12345"
    assert parsed.sent_time == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert parsed.body_text == "Bonjour,\nje souhaite résilier."
    assert parsed.attachments == ()
    assert parsed.auto_reply_reason == ""
    assert parsed.defects == ()


def test_alternative_prefers_the_plain_text() -> None:
    message = _email(body="Texte brut du client")
    message.add_alternative("<p>Texte <b>HTML</b> du client</p>", subtype="html")

    parsed = _parse(message)

    assert parsed.body_text == "Texte brut du client"
    assert parsed.attachments == ()


def test_alternative_with_a_blank_plain_text_uses_the_html() -> None:
    message = _email(body="   \n")
    message.add_alternative("<p>Seul le HTML a du texte</p>", subtype="html")

    assert _parse(message).body_text == "Seul le HTML a du texte"


def test_html_only_body_is_made_readable() -> None:
    message = _email()
    message.set_content(
        "<html><head><style>p {color: red}</style><script>track()</script></head>"
        "<body><p>Bonjour&nbsp;Madame,</p><p>Ci-joint&nbsp;: mon contrat n&deg;&nbsp;42"
        "<br>Cordialement</p></body></html>",
        subtype="html",
    )

    body = _parse(message).body_text

    assert body == "Bonjour Madame,\n\nCi-joint : mon contrat n° 42\nCordialement"


def test_pdf_attachment_is_kept_byte_exact_and_sniffed() -> None:
    pdf = _pdf()
    message = _email()
    message.add_attachment(
        pdf, maintype="application", subtype="octet-stream", filename="attestation.pdf"
    )

    (attachment,) = _parse(message).attachments

    assert attachment.data == pdf
    assert attachment.file_name == "attestation.pdf"
    assert attachment.media_type == "application/pdf"
    assert attachment.inline is False
    assert attachment.nesting_path == ""


def test_attachment_file_names_are_decoded_and_stripped_of_folders() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: noms\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\ncorps\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=iso-8859-1''r%E9sum%E9.pdf\r\n\r\n%PDF-1.4\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="=?utf-8?q?d=C3=A9clar=C3=A9.pdf?="\r\n'
        b"\r\n%PDF-1.4\r\n"
        b'--b\r\nContent-Type: application/pdf; name="C:\\\\Mes documents\\\\avis.pdf"\r\n'
        b"\r\n%PDF-1.4\r\n"
        b"--b--\r\n"
    )

    names = [attachment.file_name for attachment in parse_email(raw).attachments]

    assert names == ["résumé.pdf", "déclaré.pdf", "avis.pdf"]


def test_forwarded_message_text_and_attachment_are_found() -> None:
    forwarded = _email(subject="Sinistre du 2 mars", body="Texte du message transféré")
    forwarded.replace_header("From", "Paul Durand <paul@example.com>")
    forwarded.add_attachment(_png(), maintype="image", subtype="png", filename="photo.png")
    message = _email(body="Voir ci-dessous.")
    message.add_attachment(forwarded)

    parsed = _parse(message)

    assert parsed.body_text.startswith("Voir ci-dessous.\n\n" + FORWARDED_SEPARATOR)
    assert "From: Paul Durand <paul@example.com>" in parsed.body_text
    assert "Subject: Sinistre du 2 mars" in parsed.body_text
    assert parsed.body_text.endswith("Texte du message transféré")
    (photo,) = parsed.attachments
    assert (photo.file_name, photo.media_type, photo.nesting_path) == (
        "photo.png",
        "image/png",
        "1",
    )


def test_nesting_paths_number_forwarded_messages_in_order_and_depth() -> None:
    innermost = _email(subject="niveau 2")
    innermost.add_attachment(b"%PDF-1.4 b", maintype="application", subtype="pdf", filename="b.pdf")
    first = _email(subject="niveau 1")
    first.add_attachment(b"%PDF-1.4 a", maintype="application", subtype="pdf", filename="a.pdf")
    first.add_attachment(innermost)
    second = _email(subject="second transfert")
    second.add_attachment(b"%PDF-1.4 c", maintype="application", subtype="pdf", filename="c.pdf")
    message = _email()
    message.add_attachment(first)
    message.add_attachment(second)

    parsed = _parse(message)

    paths = {attachment.file_name: attachment.nesting_path for attachment in parsed.attachments}
    assert paths == {"a.pdf": "1", "b.pdf": "1.1", "c.pdf": "2"}
    assert parsed.body_text.count(FORWARDED_SEPARATOR) == 3


def test_base64_encoded_forwarded_message_is_decoded() -> None:
    inner = b"From: paul@example.com\r\nSubject: dedans\r\n\r\nTexte cache\r\n"
    raw = (
        b"From: a@example.fr\r\nSubject: transfert\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nVoir:\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner)
        + b"--b--\r\n"
    )

    parsed = parse_email(raw)

    assert "Subject: dedans" in parsed.body_text
    assert parsed.body_text.endswith("Texte cache")
    assert any("transfer encoding" in defect for defect in parsed.defects)


def test_iso_8859_1_encoded_word_subject_is_decoded() -> None:
    raw = (
        b"From: =?ISO-8859-1?Q?H=E9l=E8ne_L=E9ger?= <helene@example.fr>\r\n"
        b"Subject: =?ISO-8859-1?Q?R=E9clamation_?= =?ISO-8859-1?B?c2luaXN0cmUgbrA=?= 12\r\n"
        b"\r\ncorps\r\n"
    )

    parsed = parse_email(raw)

    assert parsed.subject == "Réclamation sinistre n° 12"
    assert parsed.sender_name == "Hélène Léger"


def test_raw_utf8_headers_are_read() -> None:
    raw = "From: Zoé Rivière <zoe@example.fr>\r\nSubject: Déclaration de sinistre\r\n\r\nx\r\n"

    parsed = parse_email(raw.encode("utf-8"))

    assert (parsed.subject, parsed.sender_name) == ("Déclaration de sinistre", "Zoé Rivière")


def test_raw_8bit_bytes_inside_an_encoded_word_use_its_charset() -> None:
    raw = b"From: a@example.fr\r\nSubject: =?iso-8859-1?Q?Die_Fr\xf6sche?=\r\n\r\nx\r\n"

    assert parse_email(raw).subject == "Die Frösche"


def test_part_declaring_a_wrong_charset_is_read_and_reported() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: accents\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "Le véhicule a été accidenté à Noël.\r\n".encode("latin-1")
    )

    parsed = parse_email(raw)

    assert parsed.body_text == "Le véhicule a été accidenté à Noël."
    assert parsed.defects == ("text/plain: charset 'utf-8' declared but the text is not utf-8",)


def test_part_without_charset_is_read() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: sans charset\r\nContent-Type: text/plain\r\n\r\n"
        + "Numéro de dossier : 4521, échéance dépassée".encode("cp1252")
    )

    assert parse_email(raw).body_text == "Numéro de dossier : 4521, échéance dépassée"


def test_part_with_an_unknown_charset_is_read_and_reported() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: x\r\nContent-Type: text/plain; charset=x-inconnu\r\n\r\n"
        + "Résiliation".encode()
    )

    parsed = parse_email(raw)

    assert parsed.body_text == "Résiliation"
    assert parsed.defects == ("text/plain: unknown charset 'x-inconnu'",)


def test_inline_image_with_content_id_is_an_inline_attachment() -> None:
    png = _png()
    message = _email(body="Voir le logo")
    html_part = EmailMessage()
    html_part.set_content('<p>Voir <img src="cid:logo.1@example.fr"></p>', subtype="html")
    html_part.add_related(png, "image", "png", cid="<logo.1@example.fr>")
    message.make_alternative()
    message.attach(html_part)

    parsed = _parse(message)

    assert parsed.body_text == "Voir le logo"
    (image,) = parsed.attachments
    assert (image.content_id, image.inline, image.media_type) == (
        "logo.1@example.fr",
        True,
        "image/png",
    )
    assert image.data == png


def test_related_root_html_is_the_body_and_its_images_attachments() -> None:
    message = _email()
    message.set_content("<p>Corps HTML</p>", subtype="html")
    message.add_related(_png(), "image", "png", cid="<i@x>")

    parsed = _parse(message)

    assert parsed.body_text == "Corps HTML"
    assert [attachment.content_id for attachment in parsed.attachments] == ["i@x"]


def test_calendar_invitation_is_kept_and_summarised_in_the_body() -> None:
    ics = (
        "BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
        "DTSTART;TZID=Europe/Paris:20240312T143000\nSUMMARY:Expertise du véhicule\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    message = _email(body="Invitation à l'expertise")
    message.add_alternative(ics, subtype="calendar", params={"method": "REQUEST"})

    parsed = _parse(message)

    assert parsed.body_text == (
        "Invitation à l'expertise\n\n"
        "Calendar invitation: Expertise du véhicule\nStart: 2024-03-12 14:30 Europe/Paris"
    )
    (invitation,) = parsed.attachments
    assert invitation.media_type == "text/calendar"
    assert invitation.data.decode() == ics


def test_thread_ids_are_in_reply_to_then_references_without_duplicates() -> None:
    message = _email()
    message["In-Reply-To"] = "<parent@example.fr>"
    message["References"] = "<root@example.fr> <parent@example.fr> <abc.123@example.fr>"

    parsed = _parse(message)

    assert parsed.thread_message_ids == ("parent@example.fr", "root@example.fr")


def test_recipients_are_to_cc_and_bcc_lower_cased_without_duplicates() -> None:
    message = _email()
    message["Cc"] = "Agence <Agence.Lyon@Assureur.fr>, service-client@assureur.fr"
    message["Bcc"] = "=?utf-8?q?Archiv=C3=A9?= <archive@assureur.fr>"

    assert _parse(message).recipients == (
        "service-client@assureur.fr",
        "agence.lyon@assureur.fr",
        "archive@assureur.fr",
    )


def test_unreadable_date_gives_no_time_and_a_defect() -> None:
    parsed = parse_email(b"From: a@example.fr\r\nDate: le 5 mars\r\n\r\ncorps\r\n")

    assert parsed.sent_time is None
    assert parsed.defects == ("unreadable Date header 'le 5 mars'",)


def test_date_without_zone_is_taken_as_utc() -> None:
    message = _email()
    message.replace_header("Date", "Tue, 05 Mar 2024 10:15:00 -0000")

    assert _parse(message).sent_time == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)


def test_auto_reply_is_recognised() -> None:
    message = _email(subject="Réponse automatique : Contrat 12345")

    assert "automatic reply" in _parse(message).auto_reply_reason


def test_blank_lines_before_the_headers_are_tolerated() -> None:
    parsed = parse_email(b"\r\n  \r\n" + _email().as_bytes())

    assert parsed.subject == "Contrat 12345"
    assert parsed.defects == ("blank lines before the header block",)


def test_multipart_without_closing_boundary_is_parsed_and_reported() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nCorps complet\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"JVBERi0xLjQK\r\n"
    )

    parsed = parse_email(raw)

    assert parsed.body_text == "Corps complet"
    assert parsed.attachments[0].data == b"%PDF-1.4\n"
    assert "CloseBoundaryNotFoundDefect in multipart/mixed" in parsed.defects


def test_boundary_the_header_folded_away_is_taken_from_the_body() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed;\r\n    boundary="----=_NextPart\r\n _000_01"\r\n\r\n'
        b"This is a multi-part message in MIME format.\r\n\r\n"
        b"------=_NextPart _000_01\r\nContent-Type: text/plain\r\n\r\nLe vrai corps\r\n"
        b"------=_NextPart _000_01\r\nContent-Type: image/png\r\n"
        b"Content-Disposition: attachment; filename=a.png\r\n\r\nxx\r\n"
        b"------=_NextPart _000_01--\r\n"
    )

    parsed = parse_email(raw)

    assert parsed.body_text == "Le vrai corps"
    assert [attachment.file_name for attachment in parsed.attachments] == ["a.png"]
    assert "multipart/mixed: boundary taken from the body" in parsed.defects


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b" \r\n\t\r\n", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "no header block"),
        (bytes(range(256)) * 4, "no header block"),
        (b"Dear customer,\nthis is not a header.\n", "no header block"),
        (b"Content-Type: text/plain\r\n\r\nA MIME part, not an email\r\n", "no email header"),
    ],
)
def test_bytes_that_are_not_an_email_are_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedEmailError) as refused:
        parse_email(raw)

    assert refused.value.reason.startswith(reason)


def test_email_cut_inside_a_base64_attachment_is_refused_as_truncated() -> None:
    message = _email()
    message.add_attachment(_pdf(), maintype="application", subtype="pdf", filename="a.pdf")
    raw = message.as_bytes()
    cut = raw[: raw.index(b"filename=") + 300]

    with pytest.raises(MalformedEmailError) as refused:
        parse_email(cut)

    assert refused.value.reason.startswith("truncated")
    assert "application/pdf" in refused.value.reason


def test_multipart_of_which_nothing_is_recoverable_is_refused() -> None:
    raw = (
        b"From: a@example.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n\r\n'
    )

    with pytest.raises(MalformedEmailError, match="no body text or attachment"):
        parse_email(raw)


def test_more_attachments_than_the_limit_are_refused() -> None:
    message = _email()
    for index in range(3):
        message.add_attachment(b"x", maintype="application", subtype="pdf", filename=f"{index}")

    assert len(_parse(message, max_attachments=3).attachments) == 3
    with pytest.raises(EmailLimitExceededError) as exceeded:
        _parse(message, max_attachments=2)

    assert (exceeded.value.limit, exceeded.value.maximum) == ("max_attachments", 2)


def test_forwards_nested_deeper_than_the_limit_are_refused() -> None:
    message = _email(subject="niveau 2")
    for level in (1, 0):
        outer = _email(subject=f"niveau {level}")
        outer.add_attachment(message)
        message = outer

    assert _parse(message, max_nesting_depth=2).body_text.count(FORWARDED_SEPARATOR) == 2
    with pytest.raises(EmailLimitExceededError) as exceeded:
        _parse(message, max_nesting_depth=1)

    assert (exceeded.value.limit, exceeded.value.maximum) == ("max_nesting_depth", 1)


@pytest.mark.parametrize("depth", [100, 2000])
def test_multiparts_nested_absurdly_deep_are_refused(depth: int) -> None:
    opening = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (level, level + 1)
        for level in range(depth)
    )
    raw = (
        b'From: a@example.fr\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        + opening
        + b"--b%d\r\nContent-Type: text/plain\r\n\r\nfond\r\n" % depth
    )

    with pytest.raises(EmailLimitExceededError) as exceeded:
        parse_email(raw)

    assert exceeded.value.limit == "max_mime_depth"
