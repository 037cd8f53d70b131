"""The IMAP mailboxes file: defaults, and every problem named with its mailbox and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chassis.config import ConfigError, Environment, load_common
from ingest_svc.imap_mailboxes import (
    AfterIngest,
    AfterIngestAction,
    ImapMailbox,
    ImapSettings,
    load_imap_settings,
)

VARIABLE = "CONFLUX_INGEST_IMAP_MAILBOXES_FILE"


def load(tmp_path: Path, content: str, **env: str) -> ImapSettings | None:
    """The settings read from a mailboxes file holding ``content``; ConfigError on problems."""
    mailboxes_file = tmp_path / "mailboxes.json"
    mailboxes_file.write_text(content)
    environment = Environment({VARIABLE: str(mailboxes_file), **env})
    settings = load_imap_settings(environment, load_common(environment))
    environment.check()
    return settings


def problems(tmp_path: Path, entries: Any) -> list[str]:
    """The problems reported for ``entries``, one per line."""
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, entries if isinstance(entries, str) else json.dumps(entries))
    lines = str(refused.value).splitlines()[1:]
    assert all(line.strip().startswith(f"{VARIABLE}=") for line in lines)
    return [line.split("': ", 1)[1] for line in lines]


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    """A readable password file."""
    path = tmp_path / "imap-support"
    path.write_text("s3cret\n")
    return path


def test_unset_means_no_polling() -> None:
    environment = Environment({})
    assert load_imap_settings(environment, load_common(environment)) is None


def test_defaults_and_explicit_values(tmp_path: Path, password_file: Path) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("not read here")
    entries = [
        {
            "name": "support",
            "host": "imap.example.com",
            "username": "support@example.com",
            "password_file": str(password_file),
        },
        {
            "name": "claims",
            "host": "mail.example.com",
            "port": 1143,
            "security": "starttls",
            "username": "claims",
            "password_file": str(password_file),
            "folder": "Sinistres",
            "queue": "claims-team",
            "after_ingest": "move:Traités",
            "poll_seconds": 0.5,
        },
        {
            "name": "fax",
            "host": "mail.example.com",
            "security": "plain",
            "username": "fax",
            "password_file": str(password_file),
            "after_ingest": "delete",
        },
    ]
    settings = load(tmp_path, json.dumps(entries), CONFLUX_TLS_CA_FILE=str(ca_file))
    assert settings is not None
    assert settings.ca_file == ca_file
    support, claims, fax = settings.mailboxes
    assert support == ImapMailbox(
        name="support",
        host="imap.example.com",
        port=993,
        security="tls",
        username="support@example.com",
        password_file=password_file,
        folder="INBOX",
        queue="support",
        after_ingest=AfterIngest(AfterIngestAction.FLAG),
        poll_seconds=30.0,
    )
    assert (claims.port, claims.security, claims.folder, claims.queue) == (
        1143,
        "starttls",
        "Sinistres",
        "claims-team",
    )
    assert claims.after_ingest == AfterIngest(AfterIngestAction.MOVE, "Traités")
    assert claims.poll_seconds == 0.5
    assert (fax.port, fax.after_ingest.action) == (143, AfterIngestAction.DELETE)
    assert support.password() == "s3cret"


def test_an_empty_list_means_no_polling(tmp_path: Path) -> None:
    assert load(tmp_path, "[]") is None


def test_every_problem_names_its_mailbox_and_field(tmp_path: Path, password_file: Path) -> None:
    good = {
        "host": "imap.example.com",
        "username": "u",
        "password_file": str(password_file),
    }
    entries = [
        {"name": "support", **good, "port": 70000, "security": "ssl"},
        {"name": "claims", **good, "after_ingest": "archive", "poll_seconds": 0},
        {"name": "fax", **good, "pasword_file": "x", "after_ingest": "move:"},
        {"name": "bad name!", **good},
        {"name": "moved", **good, "after_ingest": "move:INBOX", "queue": ""},
        {"name": "nopass", "host": "h", "username": "u", "password_file": "/nonexistent/pw"},
        {"name": "support", **good},
        {"host": "h"},
        "not an object",
    ]
    assert problems(tmp_path, entries) == [
        "mailbox 'support': field 'security': 'ssl' is not one of tls, starttls, plain",
        "mailbox 'support': field 'port': 70000 is not a port number (1-65535)",
        "mailbox 'claims': field 'after_ingest': 'archive' is not 'flag', 'move:<folder>' "
        "or 'delete'",
        "mailbox 'claims': field 'poll_seconds': 0 is not a positive number of seconds",
        "mailbox 'fax': field 'pasword_file': unknown field (known: name, host, username, "
        "password_file, port, security, folder, queue, after_ingest, poll_seconds)",
        "mailbox 'fax': field 'after_ingest': 'move:' needs a folder, as in 'move:Processed'",
        "mailbox 'bad name!': field 'name': letters, digits, '.', '_' or '-', "
        "at most 100 characters",
        "mailbox 'moved': field 'queue': must be a non-empty string",
        "mailbox 'moved': field 'after_ingest': cannot move to the polled folder 'INBOX'",
        "mailbox 'nopass': field 'password_file': '/nonexistent/pw' is not a file",
        "mailbox 'support': field 'name': another mailbox has the same name",
        "mailbox #8: field 'name': is required",
        "mailbox #8: field 'username': is required",
        "mailbox #8: field 'password_file': is required",
        "mailbox #9: must be a JSON object",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[{", "not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('{"name": "support"}', "the file must hold a JSON list of mailboxes"),
    ],
)
def test_a_file_that_is_not_a_list_of_mailboxes(tmp_path: Path, content: str, problem: str) -> None:
    assert problems(tmp_path, content)[0].startswith(problem)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    environment = Environment({VARIABLE: str(tmp_path / "absent.json")})
    load_imap_settings(environment, load_common(environment))
    with pytest.raises(ConfigError, match=f"{VARIABLE}=.*absent.json'?: cannot read the file"):
        environment.check()
