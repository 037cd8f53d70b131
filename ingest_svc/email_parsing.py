"""RFC 822 email bytes normalised into an item: who wrote, to whom, when, about what, with what.

The standard library's ``compat32`` parser is used with headers and payloads decoded here: it is
several times faster than ``policy.default`` and, unlike it, never raises on a broken header.
Mail that is damaged but readable is parsed and its damage listed in ``defects`` (the service
flags it for triage); only bytes that are not an email at all raise ``MalformedEmailError``.
"""

import re
from dataclasses import dataclass
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
from ingest_svc.media_types import EMAIL_HEADER_NAMES, HEADER_LINE, sniff_media_type

FORWARDED_SEPARATOR = "---------- Forwarded message ----------"
"""The line that introduces, in ``body_text``, the text of a message forwarded as an attachment."""

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


@dataclass(frozen=True)
class ParsedAttachment:
    """One document carried by an email, its bytes exactly as sent (transfer encoding undone)."""

    data: bytes
    file_name: str
    """As the sender named it (encoded words and RFC 2231 decoded, folders removed); "" if none."""
    media_type: str
    """Sniffed from the bytes where they tell, else as declared."""
    content_id: str
    """Without angle brackets; "" if none."""
    inline: bool
    """Shown inside the body (an image pasted in the text) rather than attached."""
    nesting_path: str
    """"" for the email itself, "1" for its first forwarded message, "1.2" for the second message
    forwarded inside that one."""


@dataclass(frozen=True)
class ParsedEmail:
    """An email reduced to what Conflux needs to qualify it."""

    message_id: str
    """Without angle brackets; "" if the email has none."""
    sender: str
    """Lower-cased address of From (of Sender when From is missing)."""
    sender_name: str
    recipients: tuple[str, ...]
    """Lower-cased addresses of To, Cc and Bcc, without duplicates, in order."""
    subject: str
    sent_time: datetime | None
    """The Date header in UTC; None when missing or unreadable."""
    body_text: str
    """Readable text of the body parts, of each forwarded message (after ``FORWARDED_SEPARATOR``
    and its From, Date and Subject) and a summary of each calendar invitation, in part order."""
    attachments: tuple[ParsedAttachment, ...]
    thread_message_ids: tuple[str, ...]
    """Message-IDs of In-Reply-To then References, without duplicates, in order."""
    auto_reply_reason: str
    """Why the email looks automatically generated; "" for mail a person wrote."""
    defects: tuple[str, ...]
    """What was damaged but recovered (MIME structure, charsets, encodings, headers)."""


class MalformedEmailError(ValueError):
    """Raised when the bytes are not an email at all; ``reason`` says precisely why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmailLimitExceededError(ValueError):
    """Raised when an email exceeds a limit; ``limit`` names it and ``maximum`` is its value."""

    def __init__(self, limit: str, maximum: int, reason: str) -> None:
        super().__init__(f"{reason} ({limit} is {maximum})")
        self.limit = limit
        self.maximum = maximum
        self.reason = reason


def parse_email(
    raw: bytes, *, max_nesting_depth: int = 5, max_attachments: int = 100
) -> ParsedEmail:
    """Parse the RFC 822 message ``raw`` into a ``ParsedEmail``.

    The body is the text/plain alternative where there is one (HTML made readable otherwise),
    followed by the text of forwarded messages (``message/rfc822`` parts) and summaries of
    ``text/calendar`` invitations. Attachments are the other parts (with a file name or of a
    non-text type), forwarded messages' included, inline images too. Bad charsets, bad encodings
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
    walk.part(message, _MessageScope(path="", depth=0), wants_body=True, mime_depth=0)
    body_text = "\n\n".join(walk.body)
    _refuse_unrecoverable(message, body_text, walk.attachments)

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
        attachments=tuple(walk.attachments),
        thread_message_ids=_thread_message_ids(message, message_id),
        auto_reply_reason=auto_reply_reason(message, sender, subject),
        defects=tuple(dict.fromkeys(defects)),
    )


@dataclass
class _MessageScope:
    """Where the walk is: which (possibly forwarded) message, how deep."""

    path: str
    depth: int
    forwarded_count: int = 0

    def forwarded(self) -> "_MessageScope":
        """The scope of the next message forwarded inside this one."""
        self.forwarded_count += 1
        number = str(self.forwarded_count)
        return _MessageScope(f"{self.path}.{number}" if self.path else number, self.depth + 1)

    def describe(self, part: Message) -> str:
        """Names a part in a defect: its type, and the forwarded message it belongs to."""
        where = part.get_content_type()
        return f"{where} in forwarded message {self.path}" if self.path else where


class _MimeWalk:
    """Walks a MIME tree in order, collecting body text, attachments and defects."""

    def __init__(self, max_nesting_depth: int, max_attachments: int, defects: list[str]) -> None:
        self.max_nesting_depth = max_nesting_depth
        self.max_attachments = max_attachments
        self.body: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.defects = defects

    def part(
        self, part: Message, scope: _MessageScope, *, wants_body: bool, mime_depth: int
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
        self, part: Message, scope: _MessageScope, *, wants_body: bool, mime_depth: int
    ) -> None:
        """A part with content: body text, calendar invitation or attachment."""
        content_type = part.get_content_type()
        file_name = self._file_name(part, scope)
        if content_type == "text/calendar":
            data = _payload_bytes(part)
            self._add_attachment(part, scope, data, file_name)
            summary = summarize_calendar(self._decoded(part, scope, data))
            if summary:
                self.body.append(summary)
        elif (
            content_type in _BODY_TYPES
            and not file_name
            and part.get_content_disposition() != "attachment"
        ):
            # Without wants_body this is the rendering of a text already chosen: dropped.
            if wants_body:
                self._add_body(self.text_of(part, scope))
        elif part.get_content_maintype() == "multipart":
            self._unsplit_multipart(part, scope, wants_body=wants_body, mime_depth=mime_depth)
        else:
            self._add_attachment(part, scope, _payload_bytes(part), file_name)
        self._record_defects(part, scope)

    def text_of(self, part: Message, scope: _MessageScope) -> str:
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
        scope: _MessageScope,
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

    def _chosen_alternative(self, children: list[Message], scope: _MessageScope) -> Message | None:
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
        scope: _MessageScope,
        *,
        wants_body: bool,
        mime_depth: int,
    ) -> None:
        if not children:
            return
        inner = children[0]
        forwarded_scope = scope.forwarded()
        if forwarded_scope.depth > self.max_nesting_depth:
            raise EmailLimitExceededError(
                "max_nesting_depth",
                self.max_nesting_depth,
                f"forwarded messages nested {forwarded_scope.depth} deep",
            )
        encoded = _transfer_encoded_message(part, inner)
        if encoded is not None:
            self.defects.append(f"{scope.describe(part)} sent with a transfer encoding")
            inner = encoded
        if wants_body:
            header_lines = [
                f"{name}: {value}"
                for name in _FORWARDED_HEADERS
                if (value := self.header_text(inner, name))
            ]
            self.body.append("\n".join([FORWARDED_SEPARATOR, *header_lines]))
        self.part(inner, forwarded_scope, wants_body=wants_body, mime_depth=mime_depth + 1)

    def _unsplit_multipart(
        self, part: Message, scope: _MessageScope, *, wants_body: bool, mime_depth: int
    ) -> None:
        """A multipart whose boundary was never found: parsed again with the boundary its body
        uses, else its text is all that is left."""
        resplit = _resplit_multipart(part)
        if resplit is not None:
            self.defects.append(f"{scope.describe(part)}: boundary taken from the body")
            self.part(resplit, scope, wants_body=wants_body, mime_depth=mime_depth + 1)
        elif wants_body:
            self._add_body(self.text_of(part, scope))

    def _add_body(self, text: str) -> None:
        # NUL never belongs in mail text, and PostgreSQL text columns refuse it.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        text = text.strip("\n").rstrip()
        if text:
            self.body.append(text)

    def _add_attachment(
        self, part: Message, scope: _MessageScope, data: bytes, file_name: str
    ) -> None:
        if len(self.attachments) >= self.max_attachments:
            raise EmailLimitExceededError(
                "max_attachments",
                self.max_attachments,
                f"more than {self.max_attachments} attachments",
            )
        content_id = _decoded_header(part.get("Content-ID"))[0].strip().strip("<>")
        disposition = part.get_content_disposition()
        declared_type = part.get_content_type() if part.get("Content-Type") is not None else ""
        self.attachments.append(
            ParsedAttachment(
                data=data,
                file_name=file_name,
                media_type=sniff_media_type(data, declared_type, file_name),
                content_id=content_id,
                inline=disposition == "inline" or (disposition is None and bool(content_id)),
                nesting_path=scope.path,
            )
        )

    def _decoded(self, part: Message, scope: _MessageScope, data: bytes) -> str:
        decoded = decode_text(data, part.get_content_charset())
        if decoded.problem:
            self.defects.append(f"{scope.describe(part)}: {decoded.problem}")
        return decoded.text

    def _file_name(self, part: Message, scope: _MessageScope) -> str:
        name = part.get_filename()
        if not name:
            return ""
        text, problem = _decoded_header(name)
        if problem:
            self.defects.append(f"{scope.describe(part)} file name: {problem}")
        # Some clients send the sender's full path; only the name is the document's.
        return re.split(r"[/\\]", text)[-1].strip()

    def _record_defects(self, part: Message, scope: _MessageScope) -> None:
        for defect in part.defects:
            self.defects.append(f"{type(defect).__name__} in {scope.describe(part)}")


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
