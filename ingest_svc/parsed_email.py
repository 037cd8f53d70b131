"""What an email is reduced to, whatever its format (RFC 822 or Outlook .msg), and the errors
of reading one.

``email_parsing`` (RFC 822) and ``outlook`` (Outlook .msg) both produce a ``ParsedEmail``; an
email of one format may carry a message of the other, so the result types live apart from
either parser.
"""

from dataclasses import dataclass
from datetime import datetime

FORWARDED_SEPARATOR = "---------- Forwarded message ----------"
"""The line that introduces, in ``body_text``, the text of a message forwarded as an attachment."""


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
