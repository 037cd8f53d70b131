"""Outlook ``.msg`` emails normalised into the same ``ParsedEmail`` as RFC 822 mail.

A customer (or an agent forwarding a customer's mail) may send the ``.msg`` file Outlook saves
instead of the email itself. Its sender, recipients, subject, date and threading ids come from
the MAPI properties (the transport headers where Outlook kept them); the body is the plain text,
else the HTML or RTF body made readable; attachments are the attached files, a ``winmail.dat``
unpacked, and attached Outlook items read as forwarded messages.
"""

from ingest_svc.email_contents import EmailContents, MessageScope
from ingest_svc.outlook_message import read_outlook_message
from ingest_svc.parsed_email import ParsedEmail


def parse_outlook_message(
    raw: bytes, *, max_nesting_depth: int = 5, max_attachments: int = 100
) -> ParsedEmail:
    """Parse the Outlook ``.msg`` file ``raw`` into a ``ParsedEmail``.

    Properties that cannot be read are listed in ``defects`` (so is an Outlook item that is no
    message, such as a contact or a task); an automatic reply is recognised by its headers,
    subject or message class (``REPORT.*``, out-of-office templates).

    Raises ``MalformedEmailError`` when ``raw`` is not an Outlook message (not an OLE file, an
    OLE file of another application, a container too damaged to open), and
    ``EmailLimitExceededError`` when messages are nested deeper than ``max_nesting_depth`` or
    there are more than ``max_attachments`` attachments.
    """
    message = read_outlook_message(raw, depth=0, max_nesting_depth=max_nesting_depth)
    contents = EmailContents(
        max_nesting_depth=max_nesting_depth, max_attachments=max_attachments, defects=[]
    )
    contents.add_outlook_message(message, MessageScope(path="", depth=0))
    return ParsedEmail(
        message_id=message.message_id,
        sender=message.sender,
        sender_name=message.sender_name,
        recipients=message.recipients,
        subject=message.subject,
        sent_time=message.sent_time,
        body_text=contents.body_text(),
        attachments=tuple(contents.attachments),
        thread_message_ids=message.thread_message_ids,
        auto_reply_reason=message.auto_reply_reason,
        defects=tuple(dict.fromkeys(contents.defects)),
    )
