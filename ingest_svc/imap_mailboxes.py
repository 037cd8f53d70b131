"""The IMAP mailboxes ingest polls: a JSON file listing them, validated at start.

The file (named by ``CONFLUX_INGEST_IMAP_MAILBOXES_FILE``) holds a list of objects::

    [{"name": "support", "host": "imap.example.com", "port": 993, "security": "tls",
      "username": "support@example.com", "password_file": "/run/secrets/imap-support",
      "folder": "INBOX", "queue": "support", "after_ingest": "flag", "poll_seconds": 30}]

``name``, ``host``, ``username`` and ``password_file`` are required; the others default to
port 993 (``tls``) or 143 (``starttls``, ``plain``), security ``tls``, folder ``INBOX``, queue
the mailbox's name, ``after_ingest`` ``flag`` and 30 seconds between polls. ``after_ingest`` is
``flag`` (``\\Seen`` and the keyword ``$ConfluxIngested``), ``move:<folder>`` (the folder is
created when missing) or ``delete``.
Passwords are read from their file at each connection (so a rotated secret is picked up), never
from the JSON, and never logged. Every problem is reported, naming the mailbox and the field.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from chassis.config import CommonSettings, Environment

SECURITY_MODES = ("tls", "starttls", "plain")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
DEFAULT_POLL_SECONDS = 30.0
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_REQUIRED = ("name", "host", "username", "password_file")
_KNOWN = (
    *_REQUIRED,
    "port",
    "security",
    "folder",
    "queue",
    "after_ingest",
    "poll_seconds",
)


class AfterIngestAction(Enum):
    """What becomes of a message at its source once ingest stored it."""

    FLAG = "flag"
    MOVE = "move"
    DELETE = "delete"


@dataclass(frozen=True)
class AfterIngest:
    """The action, and for ``MOVE`` the folder the message goes to."""

    action: AfterIngestAction
    folder: str = ""


@dataclass(frozen=True)
class ImapMailbox:
    """One mailbox folder polled for items, and the queue its items are meant for."""

    name: str
    host: str
    port: int
    security: str
    username: str
    password_file: Path
    folder: str
    queue: str
    after_ingest: AfterIngest
    poll_seconds: float

    def password(self) -> str:
        """The password, read from its file now (a trailing line break is not part of it)."""
        return self.password_file.read_text(encoding="utf-8").rstrip("\r\n")


@dataclass(frozen=True)
class ImapSettings:
    """The mailboxes to poll, and a certificate authority their servers' certificates may
    come from (``CONFLUX_TLS_CA_FILE``, trusted besides the system's)."""

    mailboxes: tuple[ImapMailbox, ...]
    ca_file: Path | None


def load_imap_settings(env: Environment, common: CommonSettings) -> ImapSettings | None:
    """The mailboxes of ``CONFLUX_INGEST_IMAP_MAILBOXES_FILE``; None (no polling) when it is
    unset or lists none. Problems are recorded in ``env``, prefixed with the variable."""
    file_name = env.text("CONFLUX_INGEST_IMAP_MAILBOXES_FILE", "")
    if not file_name:
        return None

    def problem(message: str) -> None:
        env.problem(f"CONFLUX_INGEST_IMAP_MAILBOXES_FILE={file_name!r}: {message}")

    mailboxes = read_imap_mailboxes(Path(file_name), problem)
    return ImapSettings(mailboxes, common.clients.ca_file) if mailboxes else None


def read_imap_mailboxes(path: Path, problem: Callable[[str], None]) -> tuple[ImapMailbox, ...]:
    """The mailboxes listed in ``path``; each problem found is passed to ``problem`` (the
    mailboxes with problems are left out, and the caller fails the start-up)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problem(f"cannot read the file: {error.strerror or error}")
        return ()
    except UnicodeDecodeError:
        problem("the file is not UTF-8 text")
        return ()
    except json.JSONDecodeError as error:
        problem(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
        return ()
    if not isinstance(document, list):
        problem("the file must hold a JSON list of mailboxes")
        return ()
    mailboxes: list[ImapMailbox] = []
    seen: set[str] = set()
    for position, entry in enumerate(document, start=1):
        label = f"mailbox #{position}"
        if not isinstance(entry, dict):
            problem(f"{label}: must be a JSON object")
            continue
        name = entry.get("name")
        duplicate = False
        if isinstance(name, str) and name:
            label = f"mailbox {name!r}"
            duplicate = name in seen
            seen.add(name)
        mailbox = _MailboxFields(entry, label, problem).mailbox()
        if duplicate:
            problem(f"{label}: field 'name': another mailbox has the same name")
        elif mailbox is not None:
            mailboxes.append(mailbox)
    return tuple(mailboxes)


class _MailboxFields:
    """Reads one entry field by field, recording every problem before giving up on it."""

    def __init__(
        self, entry: Mapping[str, Any], label: str, problem: Callable[[str], None]
    ) -> None:
        self._entry = entry
        self._label = label
        self._report = problem
        self._valid = True

    def _problem(self, field: str, message: str) -> None:
        self._valid = False
        self._report(f"{self._label}: field {field!r}: {message}")

    def mailbox(self) -> ImapMailbox | None:
        """The mailbox, or None when any field is wrong (each one reported)."""
        for field in sorted(set(self._entry) - set(_KNOWN)):
            self._problem(field, f"unknown field (known: {', '.join(_KNOWN)})")
        for field in _REQUIRED:
            if field not in self._entry:
                self._problem(field, "is required")
        name = self._text("name", "")
        if name and _NAME.fullmatch(name) is None:
            self._problem("name", "letters, digits, '.', '_' or '-', at most 100 characters")
        security = self._text("security", "tls")
        if security not in SECURITY_MODES:
            self._problem("security", f"{security!r} is not one of {', '.join(SECURITY_MODES)}")
            security = "tls"
        folder = self._text("folder", "INBOX")
        mailbox = ImapMailbox(
            name=name,
            host=self._text("host", ""),
            port=self._port(DEFAULT_PORTS[security]),
            security=security,
            username=self._text("username", ""),
            password_file=self._password_file(),
            folder=folder,
            queue=self._text("queue", name),
            after_ingest=self._after_ingest(folder),
            poll_seconds=self._poll_seconds(),
        )
        return mailbox if self._valid else None

    def _text(self, field: str, default: str) -> str:
        value = self._entry.get(field, default)
        if not isinstance(value, str) or not value.strip():
            if field in self._entry:
                self._problem(field, "must be a non-empty string")
            return default
        return value.strip()

    def _port(self, default: int) -> int:
        value = self._entry.get("port", default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            self._problem("port", f"{value!r} is not a port number (1-65535)")
            return default
        return value

    def _password_file(self) -> Path:
        value = self._text("password_file", "")
        path = Path(value)
        if value and not path.is_file():
            self._problem("password_file", f"{value!r} is not a file")
        elif value and not os.access(path, os.R_OK):
            self._problem("password_file", f"{value!r} is not readable")
        return path

    def _after_ingest(self, folder: str) -> AfterIngest:
        value = self._text("after_ingest", "flag")
        action, _, target = value.partition(":")
        if action == AfterIngestAction.MOVE.value:
            target = target.strip()
            if not target:
                self._problem("after_ingest", "'move:' needs a folder, as in 'move:Processed'")
            elif target == folder:
                self._problem("after_ingest", f"cannot move to the polled folder {folder!r}")
            return AfterIngest(AfterIngestAction.MOVE, target)
        if value in (AfterIngestAction.FLAG.value, AfterIngestAction.DELETE.value):
            return AfterIngest(AfterIngestAction(value))
        self._problem("after_ingest", f"{value!r} is not 'flag', 'move:<folder>' or 'delete'")
        return AfterIngest(AfterIngestAction.FLAG)

    def _poll_seconds(self) -> float:
        value = self._entry.get("poll_seconds", DEFAULT_POLL_SECONDS)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            self._problem("poll_seconds", f"{value!r} is not a positive number of seconds")
            return DEFAULT_POLL_SECONDS
        return float(value)
