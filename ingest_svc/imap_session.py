"""A blocking IMAP session on one mailbox: what the poller asks of the server, with ``imaplib``.

Every method blocks on the network (bounded by the connection's timeout) and SHALL run off the
event loop, in one thread at a time. Every failure, a refused command as well as a lost
connection, raises ``ImapError`` with the server's answer; no message carries the password.
Messages are read with ``BODY.PEEK[]`` so that reading does not mark them ``\\Seen``: only
``mark_ingested``, called once ingest stored the message, changes anything on the server.
"""

from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ingest_svc.imap_mailboxes import AfterIngest, AfterIngestAction, ImapMailbox

INGESTED_KEYWORD = "$ConfluxIngested"
"""The keyword set, with ``\\Seen``, on a message ingested in the ``flag`` mode."""

T = TypeVar("T")
_FETCHED_UID = re.compile(rb"\bUID (\d+)\b")


class ImapError(Exception):
    """The server refused a command or the connection failed; the message says which."""


def imap_ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's trusted certificate authorities, and ``ca_file``'s when given; the server's
    certificate and host name are always checked."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class ImapSession:
    """One logged-in connection to the mailbox's server."""

    def __init__(self, connection: imaplib.IMAP4, capabilities: frozenset[str]) -> None:
        self._connection = connection
        self._capabilities = capabilities
        self._keywords_allowed = False

    @classmethod
    def open(cls, mailbox: ImapMailbox, ssl_context: ssl.SSLContext, timeout: float) -> ImapSession:
        """Connects as ``mailbox.security`` says (TLS from the start, STARTTLS, or plain), logs
        in with the password read from its file, and learns what the server can do."""
        where = f"{mailbox.host}:{mailbox.port}"
        try:
            if mailbox.security == "tls":
                connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    mailbox.host, mailbox.port, ssl_context=ssl_context, timeout=timeout
                )
            else:
                connection = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        except (imaplib.IMAP4.error, OSError) as error:
            raise ImapError(f"cannot connect to {where}: {error}") from error
        try:
            if mailbox.security == "starttls":
                connection.starttls(ssl_context=ssl_context)
            connection.login(mailbox.username, _password(mailbox))
            session = cls(connection, _capabilities(connection))
        except (imaplib.IMAP4.error, OSError, ImapError) as error:
            connection.shutdown()
            raise ImapError(f"cannot log in to {where} as {mailbox.username!r}: {error}") from error
        return session

    def select(self, folder: str) -> int:
        """Selects ``folder`` and returns its UIDVALIDITY (select again for the current one)."""
        typ, data = self._guarded("SELECT", lambda: self._connection.select(_mailbox(folder)))
        _expect_ok(f"cannot select the folder {folder!r}", typ, data)
        validity = self._connection.response("UIDVALIDITY")[1]
        if not validity or not validity[0] or not validity[0].isdigit():
            raise ImapError(f"the server gave no UIDVALIDITY for the folder {folder!r}")
        # A folder that keeps no keyword of the client's choosing (no "\*" in PERMANENTFLAGS)
        # is only marked \Seen.
        permanent = (self._connection.response("PERMANENTFLAGS")[1] or [b""])[0] or b""
        self._keywords_allowed = b"\\*" in permanent or INGESTED_KEYWORD.encode() in permanent
        return int(validity[0])

    def uids_after(self, last_uid: int) -> list[int]:
        """The UIDs above ``last_uid`` in the selected folder, in increasing order."""
        typ, data = self._guarded(
            "UID SEARCH", lambda: self._connection.uid("SEARCH", "UID", f"{last_uid + 1}:*")
        )
        _expect_ok("UID SEARCH failed", typ, data)
        found = b" ".join(part for part in data if isinstance(part, bytes)).split()
        # "n+1:*" always matches the highest UID, even when it is n or lower (RFC 3501 §6.4.8):
        # only UIDs above the cursor are new.
        return sorted(uid for uid in (int(token) for token in found) if uid > last_uid)

    def fetch(self, uid: int) -> bytes | None:
        """The message's bytes, or None when it is gone (expunged by another client)."""
        typ, data = self._guarded(
            "UID FETCH", lambda: self._connection.uid("FETCH", str(uid), "(BODY.PEEK[])")
        )
        _expect_ok(f"cannot fetch UID {uid}", typ, data)
        for position, part in enumerate(data):
            if not isinstance(part, tuple):
                continue
            # Servers may name the UID before the literal or after it (in the next element).
            after = data[position + 1] if position + 1 < len(data) else b""
            found = _FETCHED_UID.search(part[0] + (after if isinstance(after, bytes) else b""))
            if found is not None and int(found.group(1)) == uid:
                content: bytes = part[1]
                return content
        return None

    def mark_ingested(self, uid: int, after: AfterIngest) -> None:
        """Flags, moves or deletes the message as ``after`` says."""
        if after.action is AfterIngestAction.FLAG:
            flags = f"(\\Seen {INGESTED_KEYWORD})" if self._keywords_allowed else "(\\Seen)"
            self._uid_command("STORE", str(uid), "+FLAGS.SILENT", flags)
        elif after.action is AfterIngestAction.MOVE and "MOVE" in self._capabilities:
            self._uid_command("MOVE", str(uid), _mailbox(after.folder))
        elif after.action is AfterIngestAction.MOVE:
            self._uid_command("COPY", str(uid), _mailbox(after.folder))
            self._expunge(uid)
        else:
            self._expunge(uid)

    def ensure_folder(self, folder: str) -> bool:
        """Creates ``folder`` unless it exists; True when it was created."""
        typ, data = self._guarded("LIST", lambda: self._connection.list('""', _mailbox(folder)))
        _expect_ok(f"cannot list the folder {folder!r}", typ, data)
        if any(data):
            return False
        typ, data = self._guarded("CREATE", lambda: self._connection.create(_mailbox(folder)))
        _expect_ok(f"cannot create the folder {folder!r}", typ, data)
        return True

    def interrupt(self) -> None:
        """Makes a call blocked in another thread fail at once; safe from any thread (only the
        socket is shut down: closing imaplib's buffered reader would wait for that call)."""
        try:
            self._connection.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return

    def close(self) -> None:
        """Closes the connection without a goodbye (it may already be broken)."""
        try:
            self._connection.shutdown()
        except OSError:
            return

    def _expunge(self, uid: int) -> None:
        self._uid_command("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        if "UIDPLUS" in self._capabilities:
            self._uid_command("EXPUNGE", str(uid))
            return
        # Without UIDPLUS, EXPUNGE also removes any other message marked \Deleted in the folder:
        # acceptable in a mailbox dedicated to ingestion, and the only way to remove this one.
        typ, data = self._guarded("EXPUNGE", self._connection.expunge)
        _expect_ok("EXPUNGE failed", typ, data)

    def _uid_command(self, command: str, *arguments: str) -> None:
        typ, data = self._guarded(
            f"UID {command}", lambda: self._connection.uid(command, *arguments)
        )
        _expect_ok(f"UID {command} {arguments[0]} failed", typ, data)

    def _guarded(self, command: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except (imaplib.IMAP4.error, OSError) as error:
            raise ImapError(f"{command}: {error}") from error


def _password(mailbox: ImapMailbox) -> str:
    try:
        password = mailbox.password()
    except (OSError, UnicodeDecodeError) as error:
        raise ImapError(f"cannot read the password file {str(mailbox.password_file)!r}") from error
    if not password.isascii():
        raise ImapError(
            f"the password in {str(mailbox.password_file)!r} is not ASCII, which IMAP LOGIN needs"
        )
    return password


def _capabilities(connection: imaplib.IMAP4) -> frozenset[str]:
    """What the server can do once logged in (servers announce more than before the login)."""
    typ, data = connection.capability()
    _expect_ok("CAPABILITY failed", typ, data)
    words = b" ".join(part for part in data if isinstance(part, bytes)).decode("ascii", "replace")
    return frozenset(word.upper() for word in words.split())


def _expect_ok(failure: str, typ: str, data: Sequence[object]) -> None:
    if typ != "OK":
        answer = b" ".join(part for part in data if isinstance(part, bytes))
        raise ImapError(f"{failure}: {typ} {answer.decode('utf-8', 'replace')}".rstrip())


def _mailbox(folder: str) -> str:
    """``folder`` as a mailbox argument: modified UTF-7 (RFC 3501 §5.1.3), quoted."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            encoded.append("&" + base64.b64encode(utf16).decode().rstrip("=").replace("/", ","))
            encoded.append("-")
            pending.clear()

    for character in folder:
        if " " <= character <= "~":
            flush()
            encoded.append("&-" if character == "&" else character)
        else:
            pending.append(character)
    flush()
    quoted = "".join(encoded).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}"'
