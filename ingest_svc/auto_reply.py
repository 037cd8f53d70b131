"""Recognising mail that no person wrote: out-of-office replies, bounces, bulk and robot mail.

Such mail must not open a case nor be acknowledged (two auto-responders answering each other
loop forever); the signals are the standard headers first (RFC 3834, RFC 3464), then the sender
and subject conventions of Exchange, Gmail and French mail clients.
"""

import re
from email.message import Message

_BULK_PRECEDENCES = frozenset({"bulk", "junk", "list"})
_ROBOT_MAILBOXES = frozenset({"mailer-daemon", "postmaster"})
# Non-standard headers that autoresponders (vacation, procmail, Zimbra) add to their replies.
_AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond")
_AUTOMATIC_SUBJECT = re.compile(
    r"""^\s*(?:automatic\ reply|auto[\ -]?reply|r[ée]ponse\ automatique)\b
      | \bout\ of\ (?:the\ )?office\b
      | \babsen(?:ce|te?|t\(e\))\ du\ bureau\b
      | ^\s*absence\s*(?::|$)""",
    re.IGNORECASE | re.VERBOSE,
)


def auto_reply_reason(message: Message, sender: str, subject: str) -> str:
    """Return why ``message`` looks automatically generated, or "" for mail a person wrote.

    Signals, first match wins: ``Auto-Submitted`` other than ``no``; ``X-Auto-Response-Suppress``;
    ``X-Autoreply`` / ``X-Autorespond``; ``Precedence: bulk|junk|list``; a ``multipart/report``
    body (delivery status or read receipt); a MAILER-DAEMON or postmaster ``sender`` address;
    a ``subject`` (decoded) that reads like an out-of-office reply in English or French
    ("Automatic reply", "Out of Office", "Réponse automatique", "Absent du bureau", "Absence").
    A subject that merely mentions an absence ("Absence de réponse à mon courrier") is not one.
    """
    auto_submitted = _header(message, "Auto-Submitted")
    if auto_submitted and auto_submitted.split(";", 1)[0].strip().lower() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Auto-Response-Suppress", *_AUTORESPONDER_HEADERS):
        value = _header(message, name)
        if value:
            return f"{name}: {value}"
    precedence = _header(message, "Precedence").lower()
    if precedence in _BULK_PRECEDENCES:
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report":
        report_type = message.get_param("report-type")
        described = report_type if isinstance(report_type, str) else "unspecified"
        return f"multipart/report (report-type {described})"
    mailbox = sender.partition("@")[0].lower()
    if mailbox in _ROBOT_MAILBOXES:
        return f"sent by {sender}"
    if _AUTOMATIC_SUBJECT.search(subject):
        return f"subject reads like an automatic reply: {subject.strip()!r}"
    return ""


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    return "" if value is None else " ".join(str(value).split())
