"""What reading one email collects, whatever its format: body text, attachments and defects,
within the limits, with the containers Outlook wraps documents in unpacked.

An RFC 822 email may carry a ``winmail.dat`` (TNEF: the real attachments and the body are
inside) or an attached Outlook ``.msg``; an Outlook message may carry other Outlook messages.
Both parsers (``email_parsing`` and ``outlook``) hand what they find to one ``EmailContents``,
which unpacks those containers the same way for both: a TNEF's files become attachments of the
message that carried it, an attached message becomes a forwarded message (its text after
``FORWARDED_SEPARATOR``, its attachments at the next nesting path). A container that cannot be
decoded is kept as the attachment it was, with a defect: the email itself is still good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import format_datetime

from ingest_svc.media_types import OUTLOOK_MESSAGE, TNEF, sniff_media_type
from ingest_svc.outlook_message import OutlookMessage, read_outlook_message
from ingest_svc.parsed_email import (
    FORWARDED_SEPARATOR,
    EmailLimitExceededError,
    MalformedEmailError,
    ParsedAttachment,
)
from ingest_svc.tnef import MalformedTnefError, TnefMessage, unpack_tnef


@dataclass
class MessageScope:
    """Where the reading is: which (possibly forwarded) message, how deep."""

    path: str
    """"" for the email itself, "1.2" for the second message forwarded inside its first."""
    depth: int
    forwarded_count: int = field(default=0, compare=False)

    def forwarded(self) -> MessageScope:
        """The scope of the next message forwarded inside this one."""
        self.forwarded_count += 1
        number = str(self.forwarded_count)
        return MessageScope(f"{self.path}.{number}" if self.path else number, self.depth + 1)


class EmailContents:
    """Body text, attachments and defects of one email, collected in reading order."""

    def __init__(self, *, max_nesting_depth: int, max_attachments: int, defects: list[str]) -> None:
        self.max_nesting_depth = max_nesting_depth
        self.max_attachments = max_attachments
        self.body: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.defects = defects
        self._scopes_with_text: set[str] = set()

    def body_text(self) -> str:
        """The body pieces, one blank line apart."""
        return "\n\n".join(self.body)

    def add_body(self, text: str, scope: MessageScope) -> None:
        """Adds a piece of the text of the message at ``scope`` (blank text is dropped)."""
        # NUL never belongs in mail text, and PostgreSQL text columns refuse it.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        text = text.strip("\n").rstrip()
        if text:
            self.body.append(text)
            self._scopes_with_text.add(scope.path)

    def enter_forwarded(self, scope: MessageScope, header_lines: list[str] | None) -> MessageScope:
        """The scope of a message forwarded inside ``scope``; with ``header_lines`` (its From,
        Date, Subject), ``FORWARDED_SEPARATOR`` and those lines start its text in the body.

        Raises ``EmailLimitExceededError`` beyond ``max_nesting_depth``.
        """
        forwarded = scope.forwarded()
        if forwarded.depth > self.max_nesting_depth:
            raise EmailLimitExceededError(
                "max_nesting_depth",
                self.max_nesting_depth,
                f"forwarded messages nested {forwarded.depth} deep",
            )
        if header_lines is not None:
            self.body.append("\n".join([FORWARDED_SEPARATOR, *header_lines]))
        return forwarded

    def add_attachment(
        self,
        data: bytes,
        scope: MessageScope,
        *,
        file_name: str,
        declared_type: str = "",
        content_id: str = "",
        inline: bool = False,
    ) -> None:
        """Adds a document found in the message at ``scope``: a TNEF is replaced by what it
        carries, an Outlook message becomes a forwarded message, anything else is kept.

        Raises ``EmailLimitExceededError`` beyond ``max_attachments`` or ``max_nesting_depth``.
        """
        media_type = sniff_media_type(data, declared_type, file_name)
        if media_type == TNEF:
            self._unpack_tnef(data, scope, file_name)
        elif media_type == OUTLOOK_MESSAGE:
            self._unpack_outlook(data, scope, file_name)
        else:
            self._keep(data, scope, file_name, media_type, content_id=content_id, inline=inline)

    def add_outlook_message(self, message: OutlookMessage, scope: MessageScope) -> None:
        """Adds the body, attachments and defects of an Outlook message read at ``scope``
        (its embedded messages as forwarded ones)."""
        self.defects.extend(message.defects)
        self._walk_outlook(message, scope)

    def _walk_outlook(self, message: OutlookMessage, scope: MessageScope) -> None:
        self.add_body(message.body_text, scope)
        for attachment in message.attachments:
            if isinstance(attachment, OutlookMessage):
                forwarded = self.enter_forwarded(scope, _forwarded_header_lines(attachment))
                self._walk_outlook(attachment, forwarded)
            else:
                self.add_attachment(
                    attachment.data,
                    scope,
                    file_name=attachment.file_name,
                    declared_type=attachment.declared_type,
                    content_id=attachment.content_id,
                    inline=attachment.inline,
                )

    def _unpack_outlook(self, data: bytes, scope: MessageScope, file_name: str) -> None:
        try:
            message = read_outlook_message(
                data, depth=scope.depth + 1, max_nesting_depth=self.max_nesting_depth
            )
        except MalformedEmailError as error:
            self.defects.append(f"attached Outlook message {file_name!r}: {error.reason}")
            self._keep(data, scope, file_name, OUTLOOK_MESSAGE)
            return
        forwarded = self.enter_forwarded(scope, _forwarded_header_lines(message))
        self.add_outlook_message(message, forwarded)

    def _unpack_tnef(self, data: bytes, scope: MessageScope, file_name: str) -> None:
        try:
            message = unpack_tnef(data)
        except MalformedTnefError as error:
            self.defects.append(f"TNEF attachment {file_name!r} kept as it is: {error.reason}")
            self._keep(data, scope, file_name, TNEF)
            return
        if not message.attachments and not message.body_text:
            # Nothing came out: whatever the stream holds stays available as it came.
            self.defects.append(f"TNEF attachment {file_name!r} kept as it is: no file or text")
            self._keep(data, scope, file_name, TNEF)
            return
        self._walk_tnef(message, scope)

    def _walk_tnef(self, message: TnefMessage, scope: MessageScope) -> None:
        self.defects.extend(message.defects)
        # Outlook sends the text both as a text part and as the TNEF's (RTF) body: the TNEF's
        # is read only when the message has no text of its own.
        if scope.path not in self._scopes_with_text:
            self.add_body(message.body_text, scope)
        for attachment in message.attachments:
            if isinstance(attachment, TnefMessage):
                lines = [f"Subject: {attachment.subject}"] if attachment.subject else []
                self._walk_tnef(attachment, self.enter_forwarded(scope, lines))
                continue
            media_type = sniff_media_type(attachment.data, "", attachment.file_name)
            if media_type == OUTLOOK_MESSAGE:
                self._unpack_outlook(attachment.data, scope, attachment.file_name)
            else:
                # A TNEF inside a TNEF is no Outlook output: kept as a file, which also bounds
                # the unpacking of a crafted chain of them.
                self._keep(attachment.data, scope, attachment.file_name, media_type)

    def _keep(
        self,
        data: bytes,
        scope: MessageScope,
        file_name: str,
        media_type: str,
        *,
        content_id: str = "",
        inline: bool = False,
    ) -> None:
        if len(self.attachments) >= self.max_attachments:
            raise EmailLimitExceededError(
                "max_attachments",
                self.max_attachments,
                f"more than {self.max_attachments} attachments",
            )
        self.attachments.append(
            ParsedAttachment(
                data=data,
                file_name=file_name,
                media_type=media_type,
                content_id=content_id,
                inline=inline,
                nesting_path=scope.path,
            )
        )


def _forwarded_header_lines(message: OutlookMessage) -> list[str]:
    lines: list[str] = []
    sender = " ".join(
        part
        for part in (message.sender_name, f"<{message.sender}>" if message.sender else "")
        if part
    )
    if sender:
        lines.append(f"From: {sender}")
    if message.sent_time is not None:
        lines.append(f"Date: {format_datetime(message.sent_time)}")
    if message.subject:
        lines.append(f"Subject: {message.subject}")
    return lines
