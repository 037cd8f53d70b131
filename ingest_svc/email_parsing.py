"""RFC 822 email bytes normalised into an item: who wrote, to whom, when, about what, with what.

The standard library's ``compat32`` parser is used with headers and payloads decoded here: it is
several times faster than ``policy.default`` and, unlike it, never raises on a broken header.
Mail that is damaged but readable is parsed and its damage listed in ``defects`` (the service
flags it for triage); only bytes that are not an email at all raise ``MalformedEmailError``.
What the walk finds goes to an ``EmailContents``, which also unpacks TNEF ``winmail.dat`` and
attached Outlook messages. The result types live in ``parsed_email`` (shared with the Outlook
parser) and are exported here too, with ``parse_email``.
"""

import re
from datetime import UTC, datetime
from email import errors as email_errors
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from chassis.html_text import html_to_text
from chassis.text_decoding import decode_text
from ingest_svc.auto_reply import auto_reply_reason
from ingest_svc.calendar_text import summarize_calendar
from ingest_svc.email_contents import EmailContents, MessageScope
from ingest_svc.media_types import EMAIL_HEADER_NAMES, HEADER_LINE
from ingest_svc.parsed_email import (
    FORWARDED_SEPARATOR,
    EmailLimitExceededError,
    MalformedEmailError,
    ParsedAttachment,
    ParsedEmail,
)

__all__ = [
    "FORWARDED_SEPARATOR",
    "EmailLimitExceededError",
    "MalformedEmailError",
    "ParsedAttachment",
    "ParsedEmail",
    "parse_email",
]

_PARSER = BytesParser(policy=compat32)
_LEADING_BLANK_LINES = re.compile(rb"(?:[ \t]*\r?\n)+")
_FOLDING = re.compile(rb"\r?\n(?=[ \t])")
_ANGLE_ADDRESSED = re.compile(r"<([^<>\s]+)>")
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_NESTED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_BOUNDARY_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MultipartInvariantViolationDefect,
)
_TEXT_TRANSFER_ENCODINGS = frozenset({"base64", "quoted-printable"})
# A line that opens a MIME part: "--" and a boundary, then a Content-* header on the next line.
_DELIMITER_LINE = re.compile(
    r"^--([^\s\"][^\"\r\n]*?)[ \t]*\r?\n(?:content-[\w-]+|mime-version)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_RECIPIENT_HEADERS = ("To", "Cc", "Bcc")
_FORWARDED_HEADERS = ("From", "Date", "Subject")
# Real mail nests multiparts a handful of levels per message; far deeper is a parser bomb, and
# the standard parser itself recurses once per level.
_MAX_MIME_DEPTH = 64
_PREVIEW_BYTES = 40


def parse_email(
    raw: bytes, *, max_nesting_depth: int = 5, max_attachments: int = 100
) -> ParsedEmail:
    """Parse the RFC 822 message ``raw`` into a ``ParsedEmail``.

    The body is the text/plain alternative where there is one (HTML made readable otherwise),
    followed by the text of forwarded messages (``message/rfc822`` parts) and summaries of
    ``text/calendar`` invitations. Attachments are the other parts (with a file name or of a
    non-text type), forwarded messages' included, inline images too; a TNEF ``winmail.dat`` is
    replaced by the files it carries (its body read when the email has no text of its own), an
    attached Outlook ``.msg`` is read as a forwarded message. Bad charsets, bad encodings
    and broken MIME structure never raise: the text is recovered and the damage is listed in
    ``defects``.

    Raises ``MalformedEmailError`` when ``raw`` is empty, has no header block, has no email
    header (From, To, Subject, Date, Message-ID, Received, MIME-Version), is cut inside a
    multipart (closing boundary missing and the last base64 part cut short), or is a multipart
    from which no body or attachment could be recovered. Raises ``EmailLimitExceededError`` when
    messages are nested deeper than ``max_nesting_depth`` or there are more than
    ``max_attachments`` attachments.
    """
    if not raw.strip():
        raise MalformedEmailError(f"empty input ({len(raw)} bytes, no content)")
    defects: list[str] = []
    leading_blank_lines = _LEADING_BLANK_LINES.match(raw)
    if leading_blank_lines is not None:
        raw = raw[leading_blank_lines.end() :]
        defects.append("blank lines before the header block")
    if HEADER_LINE.match(raw) is None:
        first_line = raw.split(b"\n", 1)[0][:_PREVIEW_BYTES]
        raise MalformedEmailError(f"no header block: the first line {first_line!r} is no header")
    try:
        message = _PARSER.parsebytes(raw)
    except RecursionError:
        raise EmailLimitExceededError(
            "max_mime_depth", _MAX_MIME_DEPTH, "MIME parts nested too deeply to parse"
        ) from None
    if not {name.lower() for name in message} & EMAIL_HEADER_NAMES:
        raise MalformedEmailError(
            "no email header: the header block has none of "
            "From, To, Subject, Date, Message-ID, Received, MIME-Version"
        )
    walk = _MimeWalk(max_nesting_depth, max_attachments, defects)
    walk.part(message, MessageScope(path="", depth=0), wants_body=True, mime_depth=0)
    body_text = walk.contents.body_text()
    _refuse_unrecoverable(message, body_text, walk.contents.attachments)

    sender_name, sender = _first_address(message, "From", defects)
    if not sender:
        sender_name, sender = _first_address(message, "Sender", defects)
        defects.append("no From address")
    subject = walk.header_text(message, "Subject")
    message_id = _message_ids(_raw_header(message.get("Message-ID")))
    return ParsedEmail(
        message_id=message_id[0] if message_id else "",
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        subject=subject,
        sent_time=_sent_time(message, defects),
        body_text=body_text,
        attachments=tuple(walk.contents.attachments),
        thread_message_ids=_thread_message_ids(message, message_id),
        auto_reply_reason=auto_reply_reason(message, sender, subject),
        defects=tuple(dict.fromkeys(defects)),
    )


class _MimeWalk:
    """Walks a MIME tree in order, handing body text and attachments to ``contents``."""

    def __init__(self, max_nesting_depth: int, max_attachments: int, defects: list[str]) -> None:
        self.contents = EmailContents(
            max_nesting_depth=max_nesting_depth, max_attachments=max_attachments, defects=defects
        )
        self.defects = defects

    def part(
        self, part: Message, scope: MessageScope, *, wants_body: bool, mime_depth: int
    ) -> None:
        """Walks one part: a leaf, a multipart, or a forwarded message (the email itself is the
        first part; ``mime_depth`` counts the parts enclosing this one)."""
        if mime_depth > _MAX_MIME_DEPTH:
            raise EmailLimitExceededError(
                "max_mime_depth", _MAX_MIME_DEPTH, "MIME parts nested too deeply"
            )
        payload = part.get_payload()
        if not isinstance(payload, list):
            self.leaf(part, scope, wants_body=wants_body, mime_depth=mime_depth)
            return
        self._record_defects(part, scope)
        children = [child for child in payload if isinstance(child, Message)]
        if part.get_content_type() in _NESTED_MESSAGE_TYPES:
            self._forwarded(part, children, scope, wants_body=wants_body, mime_depth=mime_depth)
        elif part.get_content_maintype() == "message":
            # Delivery status, read receipts: blocks of header fields, kept as one document.
            report = b"\n".join(block.as_bytes() for block in children)
            self._add_attachment(part, scope, report, "")
        else:
            self._multipart(part, children, scope, wants_body=wants_body, mime_depth=mime_depth)

    def leaf(
        self, part: Message, scope: MessageScope, *, wants_body: bool, mime_depth: int
    ) -> None:
        """A part with content: body text, calendar invitation or attachment."""
        content_type = part.get_content_type()
        file_name = self._file_name(part, scope)
        if content_type == "text/calendar":
            data = _payload_bytes(part)
            self._add_attachment(part, scope, data, file_name)
            self.contents.add_body(summarize_calendar(self._decoded(part, scope, data)), scope)
        elif (
            content_type in _BODY_TYPES
            and not file_name
            and part.get_content_disposition() != "attachment"
        ):
            # Without wants_body this is the rendering of a text already chosen: dropped.
            if wants_body:
                self.contents.add_body(self.text_of(part, scope), scope)
        elif part.get_content_maintype() == "multipart":
            self._unsplit_multipart(part, scope, wants_body=wants_body, mime_depth=mime_depth)
        else:
            self._add_attachment(part, scope, _payload_bytes(part), file_name)
        self._record_defects(part, scope)

    def text_of(self, part: Message, scope: MessageScope) -> str:
        """The readable text of a text part, HTML made plain."""
        text = self._decoded(part, scope, _payload_bytes(part))
        return html_to_text(text) if part.get_content_type() == "text/html" else text

    def header_text(self, message: Message, name: str) -> str:
        """A header's value with encoded words decoded, on one line; "" if absent."""
        text, problem = _decoded_header(message.get(name))
        if problem:
            self.defects.append(f"{name} header: {problem}")
        return text

    def _multipart(
        self,
        part: Message,
        children: list[Message],
        scope: MessageScope,
        *,
        wants_body: bool,
        mime_depth: int,
    ) -> None:
        chosen: Message | None = None
        content_type = part.get_content_type()
        if wants_body and content_type == "multipart/alternative":
            chosen = self._chosen_alternative(children, scope)
        elif wants_body and content_type == "multipart/related" and children:
            chosen = _related_root(part, children)
        for child in children:
            child_wants_body = wants_body and (chosen is None or child is chosen)
            self.part(child, scope, wants_body=child_wants_body, mime_depth=mime_depth + 1)

    def _chosen_alternative(self, children: list[Message], scope: MessageScope) -> Message | None:
        """The alternative read as the body: the plain text unless it is blank, else the HTML,
        else the first multipart (HTML with its images)."""
        plain = _first_of_type(children, "text/plain")
        if plain is not None and self.text_of(plain, scope).strip():
            return plain
        html = _first_of_type(children, "text/html")
        if html is not None:
            return html
        return next((child for child in children if child.is_multipart()), plain)

    def _forwarded(
        self,
        part: Message,
        children: list[Message],
        scope: MessageScope,
        *,
        wants_body: bool,
        mime_depth: int,
    ) -> None:
        if not children:
            return
        inner = children[0]
        encoded = _transfer_encoded_message(part, inner)
        if encoded is not None:
            self.defects.append(f"{_describe(scope, part)} sent with a transfer encoding")
            inner = encoded
        header_lines = (
            [
                f"{name}: {value}"
                for name in _FORWARDED_HEADERS
                if (value := self.header_text(inner, name))
            ]
            if wants_body
            else None
        )
        forwarded_scope = self.contents.enter_forwarded(scope, header_lines)
        self.part(inner, forwarded_scope, wants_body=wants_body, mime_depth=mime_depth + 1)

    def _unsplit_multipart(
        self, part: Message, scope: MessageScope, *, wants_body: bool, mime_depth: int
    ) -> None:
        """A multipart whose boundary was never found: parsed again with the boundary its body
        uses, else its text is all that is left."""
        resplit = _resplit_multipart(part)
        if resplit is not None:
            self.defects.append(f"{_describe(scope, part)}: boundary taken from the body")
            self.part(resplit, scope, wants_body=wants_body, mime_depth=mime_depth + 1)
        elif wants_body:
            self.contents.add_body(self.text_of(part, scope), scope)

    def _add_attachment(
        self, part: Message, scope: MessageScope, data: bytes, file_name: str
    ) -> None:
        content_id = _decoded_header(part.get("Content-ID"))[0].strip().strip("<>")
        disposition = part.get_content_disposition()
        self.contents.add_attachment(
            data,
            scope,
            file_name=file_name,
            declared_type=part.get_content_type() if part.get("Content-Type") is not None else "",
            content_id=content_id,
            inline=disposition == "inline" or (disposition is None and bool(content_id)),
        )

    def _decoded(self, part: Message, scope: MessageScope, data: bytes) -> str:
        decoded = decode_text(data, part.get_content_charset())
        if decoded.problem:
            self.defects.append(f"{_describe(scope, part)}: {decoded.problem}")
        return decoded.text

    def _file_name(self, part: Message, scope: MessageScope) -> str:
        name = part.get_filename()
        if not name:
            return ""
        text, problem = _decoded_header(name)
        if problem:
            self.defects.append(f"{_describe(scope, part)} file name: {problem}")
        # Some clients send the sender's full path; only the name is the document's.
        return re.split(r"[/\\]", text)[-1].strip()

    def _record_defects(self, part: Message, scope: MessageScope) -> None:
        for defect in part.defects:
            self.defects.append(f"{type(defect).__name__} in {_describe(scope, part)}")


def _describe(scope: MessageScope, part: Message) -> str:
    """Names a part in a defect: its type, and the forwarded message it belongs to."""
    where = part.get_content_type()
    return f"{where} in forwarded message {scope.path}" if scope.path else where


def _refuse_unrecoverable(
    message: Message, body_text: str, attachments: list[ParsedAttachment]
) -> None:
    """Tells a cut or shattered multipart (not an email any more) from a merely sloppy one."""
    parts = list(message.walk())
    defects = [defect for part in parts for defect in part.defects]
    if not any(isinstance(defect, _BOUNDARY_DEFECTS) for defect in defects):
        return
    leaves = [part for part in parts if not part.is_multipart()]
    if (
        any(isinstance(defect, email_errors.CloseBoundaryNotFoundDefect) for defect in defects)
        and leaves
        and _base64_cut_short(leaves[-1])
    ):
        raise MalformedEmailError(
            "truncated: the closing boundary of a multipart is missing and its last part "
            f"({leaves[-1].get_content_type()}, base64) is cut short"
        )
    if not body_text.strip() and not attachments:
        raise MalformedEmailError("broken multipart: no body text or attachment could be recovered")


def _transfer_encoded_message(part: Message, inner: Message) -> Message | None:
    """The message in a message/rfc822 part sent in base64 or quoted-printable (RFC 2046
    forbids it, some clients do it): the parser took the encoded text for a headerless body."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    encoded_text = inner.get_payload()
    if encoding not in _TEXT_TRANSFER_ENCODINGS or len(inner) or not isinstance(encoded_text, str):
        return None
    carrier = Message()
    carrier["Content-Transfer-Encoding"] = encoding
    carrier.set_payload(encoded_text)
    return _PARSER.parsebytes(_payload_bytes(carrier))


def _resplit_multipart(part: Message) -> Message | None:
    text = part.get_payload()
    if not isinstance(text, str):
        return None
    delimiter = _DELIMITER_LINE.search(text)
    if delimiter is None:
        return None
    headers = f'Content-Type: {part.get_content_type()}; boundary="{delimiter[1]}"\n\n'
    resplit = _PARSER.parsebytes((headers + text).encode("utf-8", "surrogateescape"))
    return resplit if resplit.is_multipart() else None


def _base64_cut_short(part: Message) -> bool:
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() != "base64":
        return False
    payload = part.get_payload()
    return isinstance(payload, str) and len("".join(payload.split())) % 4 != 0


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _first_of_type(children: list[Message], content_type: str) -> Message | None:
    return next(
        (
            child
            for child in children
            if child.get_content_type() == content_type
            and child.get_content_disposition() != "attachment"
            and not child.get_filename()
        ),
        None,
    )


def _related_root(part: Message, children: list[Message]) -> Message:
    start = part.get_param("start")
    if isinstance(start, str):
        wanted = start.strip().strip("<>")
        for child in children:
            if str(child.get("Content-ID", "")).strip().strip("<>") == wanted:
                return child
    return children[0]


def _header_bytes(value: str | Header | None) -> bytes:
    """The header's bytes as they arrived, unfolded."""
    if value is None:
        return b""
    if isinstance(value, Header):
        # compat32 wraps a header holding raw 8-bit bytes (RFC 6532 UTF-8, or undeclared) in a
        # Header of charset unknown-8bit: one chunk of those bytes.
        raw = b"".join(chunk for chunk, _ in decode_header(value) if isinstance(chunk, bytes))
    else:
        raw = value.encode("utf-8", "surrogateescape")
    return _FOLDING.sub(b"", raw)


def _raw_header(value: str | Header | None) -> str:
    """The header as one line of text, encoded words left as they are."""
    return decode_text(_header_bytes(value)).text


def _decoded_header(value: str | Header | None) -> tuple[str, str]:
    """A header's text with its encoded words decoded, and what could not be decoded."""
    raw = _header_bytes(value)
    if b"=?" not in raw:
        return " ".join(decode_text(raw).text.split()), ""
    try:
        # Latin-1 keeps each byte as one character, so that raw 8-bit bytes inside an encoded
        # word come back as those bytes and are read in the word's declared charset.
        chunks = decode_header(raw.decode("latin-1"))
    except email_errors.HeaderParseError as error:
        return " ".join(decode_text(raw).text.split()), f"undecodable encoded word ({error})"
    pieces: list[str] = []
    problems: list[str] = []
    for chunk, charset in chunks:
        decoded = decode_text(chunk.encode("latin-1") if isinstance(chunk, str) else chunk, charset)
        pieces.append(decoded.text)
        if decoded.problem:
            problems.append(decoded.problem)
    return " ".join("".join(pieces).split()), "; ".join(problems)


def _first_address(message: Message, name: str, defects: list[str]) -> tuple[str, str]:
    """The display name and lower-cased address of the first address of a header."""
    for display_name, address in _addresses(message, name):
        if address:
            decoded_name, problem = _decoded_header(display_name)
            if problem:
                defects.append(f"{name} header: {problem}")
            return decoded_name, address.lower()
    return "", ""


def _recipients(message: Message) -> tuple[str, ...]:
    addresses = (
        address.lower()
        for name in _RECIPIENT_HEADERS
        for _, address in _addresses(message, name)
        if address
    )
    return tuple(dict.fromkeys(addresses))


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    # Addresses are split before encoded words are decoded: a decoded display name may hold
    # the commas and angle brackets that separate addresses.
    values = [_raw_header(value) for value in message.get_all(name, [])]
    return getaddresses(values) if values else []


def _sent_time(message: Message, defects: list[str]) -> datetime | None:
    date = _raw_header(message.get("Date")).strip()
    if not date:
        return None
    try:
        sent = parsedate_to_datetime(date)
        # "-0000" means a time in UTC whose local zone is unknown (RFC 5322 3.3).
        return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"unreadable Date header {date!r}")
        return None


def _message_ids(text: str) -> list[str]:
    found = _ANGLE_ADDRESSED.findall(text)
    if found:
        return found
    # Some mailers drop the angle brackets; a bare token with an @ is still an id.
    return [token for token in text.split() if "@" in token]


def _thread_message_ids(message: Message, own_id: list[str]) -> tuple[str, ...]:
    ids = [
        message_id
        for name in ("In-Reply-To", "References")
        for message_id in _message_ids(_raw_header(message.get(name)))
        if message_id not in own_id
    ]
    return tuple(dict.fromkeys(ids))
