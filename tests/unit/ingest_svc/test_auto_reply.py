"""auto_reply_reason: each signal of a mail no person wrote, and mail a person did write."""

from email import message_from_bytes
from email.message import Message
from email.policy import compat32

import pytest

from ingest_svc.auto_reply import auto_reply_reason


def _message(headers: str = "", content_type: str = "text/plain") -> Message:
    raw = f"From: a@example.fr\r\nContent-Type: {content_type}\r\n{headers}\r\nbody\r\n"
    return message_from_bytes(raw.encode(), policy=compat32)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated; owner=x\r\n", "Auto-Submitted: auto-generated; owner=x"),
        ("X-Auto-Response-Suppress: All\r\n", "X-Auto-Response-Suppress: All"),
        ("X-Autoreply: yes\r\n", "X-Autoreply: yes"),
        ("Precedence: Bulk\r\n", "Precedence: bulk"),
        ("Precedence: junk\r\n", "Precedence: junk"),
        ("Precedence: list\r\n", "Precedence: list"),
    ],
)
def test_standard_headers_mark_automatic_mail(headers: str, reason: str) -> None:
    assert auto_reply_reason(_message(headers), "a@example.fr", "Contrat") == reason


def test_delivery_report_is_automatic() -> None:
    message = _message(content_type='multipart/report; report-type=delivery-status; boundary="b"')

    reason = auto_reply_reason(message, "a@example.fr", "Undelivered Mail")

    assert reason == "multipart/report (report-type delivery-status)"


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.fr", "postmaster@example.fr"])
def test_mail_system_senders_are_automatic(sender: str) -> None:
    assert (
        auto_reply_reason(_message(), sender.lower(), "Returned mail")
        == f"sent by {sender.lower()}"
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Contrat 12345",
        "Automatic reply: Contrat 12345",
        "Auto-Reply: dossier",
        "Réponse automatique : Contrat 12345",
        "Absent du bureau jusqu'au 12 mars",
        "Absence",
        "Absence : retour le 12/03",
    ],
)
def test_out_of_office_subjects_are_automatic(subject: str) -> None:
    reason = auto_reply_reason(_message(), "jean@example.fr", subject)

    assert reason == f"subject reads like an automatic reply: {subject!r}"


@pytest.mark.parametrize(
    "subject",
    [
        "Contrat 12345",
        "Absence de réponse à mon courrier du 3 mars",
        "Justificatif d'absence",
        "Re: réponse à votre demande",
    ],
)
def test_mail_a_person_wrote_is_not_automatic(subject: str) -> None:
    assert auto_reply_reason(_message("Auto-Submitted: no\r\n"), "jean@example.fr", subject) == ""
