"""Outlook ``.msg`` files (OLE compound files of MAPI properties) read into plain values.

Reading is ``extract-msg``'s; this module decides what Conflux takes from it: addresses (the
SMTP ones, not Exchange's internal names), the body as readable text (plain, else HTML, else
RTF), the attached files, and attached Outlook items as embedded messages, read as deep as the
nesting limit allows. Damaged properties never stop the reading: what is lost is listed in
``defects``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any, ParamSpec, TypeVar

import extract_msg
from extract_msg.enums import DeencapType, ErrorBehavior
from extract_msg.msg_classes import MessageBase, MSGFile

from chassis.html_text import html_to_text
from chassis.text_decoding import decode_text
from ingest_svc.auto_reply import auto_reply_reason
from ingest_svc.parsed_email import EmailLimitExceededError, MalformedEmailError
from ingest_svc.rtf_text import rtf_to_text

_ANGLE_ADDRESSED = re.compile(r"<([^<>\s]+)>")
# What Outlook gives as an address may be an Exchange name ("/o=org/ou=.../cn=jean@x") or a
# display name with an @ ("Tests Chang@FT"): only a plain SMTP address is taken.
_SMTP_ADDRESS = re.compile(r"[^@\s<>()\[\]/\\,;:\"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# PidTagInternetCodepage: the code page of the HTML body, which Outlook trusts over the HTML's
# own <meta charset>.
_INTERNET_CODEPAGE_PROPERTY = "3FDE0003"
_UTF8_CODEPAGE = 65001
_HTML_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_HTML_CHARSET_WINDOW = 2048
# Streams that may hold the sender's SMTP address when the display form only names a person
# (PidTagSenderSmtpAddress, PidTagSenderEmailAddress, PidTagSentRepresentingEmailAddress).
_SENDER_ADDRESS_STREAMS = ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065")
# Message classes that no person writes: delivery reports and out-of-office templates.
_AUTOMATIC_CLASSES = re.compile(r"^report\.|\.ooftemplate\b", re.IGNORECASE)
_MESSAGE_CLASSES = re.compile(r"^(?:ipm\.note|ipm\.post|report\.)", re.IGNORECASE)

_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass(frozen=True)
class OutlookFile:
    """A file attached to an Outlook message, its bytes as stored."""

    data: bytes
    file_name: str
    declared_type: str
    """The MIME type Outlook recorded; "" if none."""
    content_id: str
    inline: bool
    """Hidden from the attachment list: an image shown inside the body."""


@dataclass(frozen=True)
class OutlookMessage:
    """What Conflux takes from an Outlook message."""

    message_class: str
    """``IPM.Note`` for an email; ``IPM.Appointment``, ``REPORT.IPM.Note.NDR``... otherwise."""
    message_id: str
    """Without angle brackets; "" if none."""
    sender: str
    """Lower-cased SMTP address; "" when the message holds none."""
    sender_name: str
    recipients: tuple[str, ...]
    """Lower-cased SMTP addresses of the recipients, without duplicates, in order."""
    subject: str
    sent_time: datetime | None
    """In UTC; None when the message was never sent or its date is unreadable."""
    thread_message_ids: tuple[str, ...]
    """In-Reply-To then References, without duplicates, in order."""
    auto_reply_reason: str
    body_text: str
    attachments: tuple[OutlookFile | OutlookMessage, ...]
    """In order; an Outlook item attached as such is an ``OutlookMessage``."""
    defects: tuple[str, ...]
    """What could not be read, of this message and of its embedded ones."""


def read_outlook_message(raw: bytes, *, depth: int, max_nesting_depth: int) -> OutlookMessage:
    """Read the Outlook ``.msg`` file ``raw``, its embedded messages included.

    ``depth`` is how deep the message itself is nested (0 for a message received as such, 1 for
    one attached to an email). Raises ``MalformedEmailError`` when ``raw`` is not an OLE file,
    is an OLE file without an Outlook message class (a Word document), or cannot be opened;
    raises ``EmailLimitExceededError`` when an embedded message lies deeper than
    ``max_nesting_depth``.
    """
    try:
        opened = extract_msg.openMsg(
            raw,
            strict=False,
            delayAttachments=True,
            errorBehavior=ErrorBehavior.SUPPRESS_ALL,
            deencapsulationFunc=_no_deencapsulation,
        )
    except RecursionError:
        raise MalformedEmailError("Outlook message nested too deeply to open") from None
    # extract-msg and olefile raise many unrelated types on damaged containers (OSError,
    # ValueError, KeyError, struct.error, their own errors): each means it cannot be opened.
    except Exception as error:
        raise MalformedEmailError(f"not a readable Outlook message: {error}") from error
    try:
        if not _clean(opened.classType or ""):
            raise MalformedEmailError(
                "an OLE file without an Outlook message class (not a .msg: a Word or Excel "
                "document?)"
            )
        return _OutlookReading(max_nesting_depth).message(opened, depth)
    except (MalformedEmailError, EmailLimitExceededError):
        raise
    # Properties are read one by one, each guarded; this catches what damage is left (a broken
    # directory entry found while listing streams) so that it reads as what it is.
    except Exception as error:
        raise MalformedEmailError(f"unreadable Outlook message: {error}") from error
    finally:
        opened.close()


class _OutlookReading:
    """Reads a message and its embedded messages, collecting what could not be read."""

    def __init__(self, max_nesting_depth: int) -> None:
        self.max_nesting_depth = max_nesting_depth

    def message(self, msg: MSGFile, depth: int) -> OutlookMessage:
        """One message nested ``depth`` deep, its attachments read recursively."""
        if depth > self.max_nesting_depth:
            raise EmailLimitExceededError(
                "max_nesting_depth",
                self.max_nesting_depth,
                f"forwarded messages nested {depth} deep",
            )
        defects: list[str] = []
        message_class = _clean(msg.classType or "")
        if not _MESSAGE_CLASSES.match(message_class):
            defects.append(f"an Outlook {message_class} item, not a message")
        header = msg.header if isinstance(msg, MessageBase) else Message()
        sender_name, sender = self._sender(msg, defects)
        subject = _clean(_guarded("subject", defects, _string_property, msg, "subject") or "")
        reason = auto_reply_reason(header, sender, subject)
        if not reason and _AUTOMATIC_CLASSES.search(message_class):
            reason = f"Outlook message class {message_class}"
        own_id = _message_ids(_guarded("Message-ID", defects, _message_id, msg) or "")
        thread_ids = _guarded("In-Reply-To", defects, _thread_message_ids, msg, header, own_id)
        return OutlookMessage(
            message_class=message_class,
            message_id=own_id[0] if own_id else "",
            sender=sender,
            sender_name=sender_name,
            recipients=_guarded("recipients", defects, _recipients, msg, header) or (),
            subject=subject,
            sent_time=_guarded("date", defects, _sent_time, msg, header),
            thread_message_ids=thread_ids or (),
            auto_reply_reason=reason,
            body_text=_guarded("body", defects, _body_text, msg) or "",
            attachments=tuple(self._attachments(msg, depth, defects)),
            defects=tuple(defects),
        )

    def _sender(self, msg: MSGFile, defects: list[str]) -> tuple[str, str]:
        display = _clean(_guarded("sender", defects, _sender_text, msg) or "")
        name, address = parseaddr(display)
        address = _smtp_address(address)
        if not address:
            # Exchange often gives a display name alone, or its internal /o=.../cn=... name.
            name = name or _ANGLE_ADDRESSED.sub("", display)
            address = next(
                (
                    found
                    for stream in _SENDER_ADDRESS_STREAMS
                    if (found := _smtp_address(_clean(msg.getStringStream(stream) or "")))
                ),
                "",
            )
        if not address:
            defects.append("no sender address")
        return name.strip().strip("'\"").strip(), address

    def _attachments(
        self, msg: MSGFile, depth: int, defects: list[str]
    ) -> list[OutlookFile | OutlookMessage]:
        found: list[OutlookFile | OutlookMessage] = []
        listed = _guarded("attachment list", defects, getattr, msg, "attachments") or []
        for attachment in listed:
            name = _clean(
                _guarded("attachment name", defects, _string_property, attachment, "name") or ""
            )
            data = _guarded(f"attachment {name!r}", defects, getattr, attachment, "data")
            if isinstance(data, bytes):
                found.append(
                    OutlookFile(
                        data=data,
                        file_name=re.split(r"[/\\]", name)[-1].strip(),
                        declared_type=_clean(getattr(attachment, "mimetype", None) or ""),
                        content_id=_clean(getattr(attachment, "contentId", None) or "").strip("<>"),
                        inline=bool(getattr(attachment, "hidden", False)),
                    )
                )
            elif isinstance(data, MSGFile):
                embedded = self.message(data, depth + 1)
                found.append(embedded)
                defects.extend(
                    f"in embedded message {embedded.subject!r}: {defect}"
                    for defect in embedded.defects
                )
            else:
                defects.append(f"attachment {name!r} has no content that can be read")
        return found


def _guarded(
    what: str, defects: list[str], read: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs
) -> _T | None:
    """What ``read`` returns, or None with a defect naming ``what`` when it raises."""
    try:
        return read(*args, **kwargs)
    # A damaged property makes extract-msg (or the RTF, codepage and date code under it) raise
    # any type; the rest of the message is still worth reading.
    except Exception as error:
        defects.append(f"unreadable {what} ({type(error).__name__}: {error})")
        return None


def _clean(text: str) -> str:
    # MAPI strings often keep their terminating NUL; PostgreSQL text refuses NUL.
    return text.replace("\x00", "").strip()


def _string_property(source: Any, name: str) -> str:
    value = getattr(source, name, None)
    return value if isinstance(value, str) else ""


def _sender_text(msg: MSGFile) -> str:
    if isinstance(msg, MessageBase):
        return msg.sender or ""
    return ""


def _message_id(msg: MSGFile) -> str:
    if isinstance(msg, MessageBase):
        return msg.messageId or ""
    return ""


def _recipients(msg: MSGFile, header: Message) -> tuple[str, ...]:
    addresses: list[str] = []
    if isinstance(msg, MessageBase):
        for recipient in msg.recipients:
            found = next(
                (
                    address
                    for candidate in (recipient.smtpAddress, recipient.email)
                    if (address := _smtp_address(_clean(candidate or "")))
                ),
                "",
            )
            if found:
                addresses.append(found)
    if not addresses:
        values = [str(value) for name in ("To", "Cc") for value in header.get_all(name, [])]
        addresses = [
            found for _, address in getaddresses(values) if (found := _smtp_address(address))
        ]
    return tuple(dict.fromkeys(addresses))


def _smtp_address(text: str) -> str:
    """``text`` lower-cased if it is an SMTP address, else ""."""
    return text.lower() if _SMTP_ADDRESS.fullmatch(text) else ""


def _sent_time(msg: MSGFile, header: Message) -> datetime | None:
    sent = msg.date if isinstance(msg, MessageBase) else None
    if sent is None and header.get("Date"):
        sent = parsedate_to_datetime(str(header["Date"]))
    if sent is None:
        return None
    return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(UTC)


def _thread_message_ids(msg: MSGFile, header: Message, own_id: list[str]) -> tuple[str, ...]:
    in_reply_to = msg.inReplyTo if isinstance(msg, MessageBase) else None
    texts = [in_reply_to or str(header.get("In-Reply-To", "")), str(header.get("References", ""))]
    ids = [found for text in texts for found in _message_ids(text) if found not in own_id]
    return tuple(dict.fromkeys(ids))


def _message_ids(text: str) -> list[str]:
    found = _ANGLE_ADDRESSED.findall(text)
    return found or [token for token in text.split() if "@" in token]


def _body_text(msg: MSGFile) -> str:
    if not isinstance(msg, MessageBase):
        return ""
    plain = msg.body
    if plain and plain.strip():
        return _clean(plain.replace("\r\n", "\n"))
    html = msg.htmlBody
    if html:
        return _clean(html_to_text(decode_text(html, _html_charset(msg, html)).text))
    rtf = msg.rtfBody
    return _clean(rtf_to_text(rtf)) if rtf else ""


def _html_charset(msg: MSGFile, html: bytes) -> str | None:
    codepage = msg.getPropertyVal(_INTERNET_CODEPAGE_PROPERTY)
    if isinstance(codepage, int) and codepage > 0:
        return "utf-8" if codepage == _UTF8_CODEPAGE else f"cp{codepage}"
    declared = _HTML_CHARSET.search(html[:_HTML_CHARSET_WINDOW])
    return declared[1].decode("ascii", "replace") if declared else None


def _no_deencapsulation(rtf: bytes, body_type: DeencapType) -> None:
    """Stands in for RTFDE, which takes seconds per body: ``rtf_text`` renders RTF instead."""
