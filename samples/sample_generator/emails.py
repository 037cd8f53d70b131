"""RFC 822 messages built the same way every time: fixed boundaries, dates and Message-IDs."""

import hashlib
import textwrap
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

_PLAIN_LINE_WIDTH = 72


def _wrapped(text: str) -> str:
    """Plain text with long lines folded at _PLAIN_LINE_WIDTH, as mail clients send it."""
    return "\n".join(
        textwrap.fill(line, _PLAIN_LINE_WIDTH) if len(line) > _PLAIN_LINE_WIDTH else line
        for line in text.split("\n")
    )


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    file_name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class Email:
    """What a customer's mail client sends: headers, a plain and/or HTML body, attachments.

    At least one of plain_body and html_body must be given; with both, the message carries them
    as multipart/alternative.
    """

    sender: str
    recipient: str
    subject: str
    sent: datetime
    message_id: str
    plain_body: str | None = None
    html_body: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def to_bytes(self) -> bytes:
        """Serialise the message with CRLF line ends; the same Email always gives the same bytes.

        Raises ValueError when the message has no body.
        """
        if self.plain_body is None and self.html_body is None:
            msg = f"email {self.message_id} has neither a plain nor an HTML body"
            raise ValueError(msg)
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = self.sender
        message["To"] = self.recipient
        message["Subject"] = self.subject
        message["Date"] = format_datetime(self.sent)
        message["Message-ID"] = self.message_id
        if self.plain_body is not None:
            plain = _wrapped(self.plain_body)
            message.set_content(plain, cte="7bit" if plain.isascii() else "quoted-printable")
            if self.html_body is not None:
                message.add_alternative(self.html_body, subtype="html", cte="quoted-printable")
        elif self.html_body is not None:
            message.set_content(self.html_body, subtype="html", cte="quoted-printable")
        for attachment in self.attachments:
            maintype, subtype = attachment.media_type.split("/")
            message.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.file_name,
            )
        # The email package draws boundaries at random; fixed ones keep the output reproducible.
        tag = hashlib.sha256(self.message_id.encode()).hexdigest()[:16]
        for index, part in enumerate(message.walk()):
            if part.is_multipart():
                part.set_boundary(f"=_part{index}_{tag}")
            if part is not message:
                del part["MIME-Version"]
        return message.as_bytes()
