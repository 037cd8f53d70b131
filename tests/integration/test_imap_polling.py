"""IMAP polling against a real Dovecot on loopback: each message ingested once, then flagged,
moved or deleted; later polls fetch only new messages (counted in Dovecot's raw logs); a server
restart, a recreated folder (new UIDVALIDITY), a malformed message, TLS and STARTTLS. The tests
that read the stored cursor run on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from chassis.database import Database
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from ingest_svc.imap_cursors import ImapCursor, ImapCursorStore
from tests.support.databases import database_url
from tests.support.documents import email_bytes
from tests.support.dovecot import DovecotServer, MailUser, dovecot_server
from tests.support.suite import RunningSuite, eventually, running_suite

POLL_SECONDS = 0.1
IMAP_METADATA = ("imap_mailbox", "queue", "imap_folder", "imap_uid", "imap_uid_validity")
_users = itertools.count(1)
_FLAGS = re.compile(rb"UID (\d+) FLAGS \(([^)]*)\)")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[DovecotServer]:
    """A plain-IMAP Dovecot shared by the tests that do not stop it."""
    with dovecot_server() as server:
        yield server


@pytest.fixture(scope="module")
def dovecot_tls() -> Iterator[DovecotServer]:
    """A Dovecot with a self-signed certificate: IMAPS, and STARTTLS on the IMAP port."""
    with dovecot_server(tls=True) as server:
        yield server


def new_user(server: DovecotServer) -> MailUser:
    """A user of its own for each test, so that tests share no mailbox."""
    return server.add_user(f"user{next(_users)}", f"secret-{next(_users)}")


def mailbox_entry(
    server: DovecotServer, user: MailUser, directory: Path, **fields: Any
) -> dict[str, Any]:
    """A mailboxes-file entry for ``user``'s INBOX on ``server``, polled every 0.1 s."""
    password_file = directory / f"{user.name}.password"
    entry = {
        "name": user.name,
        "host": "127.0.0.1",
        "port": server.imap_port,
        "security": "plain",
        "username": user.name,
        "password_file": str(password_file),
        "poll_seconds": POLL_SECONDS,
        **fields,
    }
    write_password(entry, user.password)
    return entry


def write_password(entry: dict[str, Any], password: str) -> None:
    """Replaces the password in the entry's password file."""
    Path(entry["password_file"]).write_text(password + "\n")


@asynccontextmanager
async def ingesting(
    directory: Path, *entries: dict[str, Any], env: dict[str, str] | None = None
) -> AsyncIterator[RunningSuite]:
    """The ingest service polling ``entries`` (its database in the data directory unless
    ``env`` names one)."""
    mailboxes_file = directory / "mailboxes.json"
    mailboxes_file.write_text(json.dumps(list(entries)))
    async with running_suite(
        directory / "data",
        only=["ingest"],
        extra_env={"CONFLUX_INGEST_IMAP_MAILBOXES_FILE": str(mailboxes_file), **(env or {})},
    ) as suite:
        yield suite


@pytest.fixture
def ingest_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an ingest database on SQLite, then on PostgreSQL."""
    with database_url(backend, tmp_path, "ingest") as url:
        yield url


async def stored_items(suite: RunningSuite) -> list[pb.Item]:
    """Every item on the ingest feed."""
    stub = pb_grpc.IngestServiceStub(suite.channel)
    page = await stub.ListAcceptedItems(pb.ListAcceptedItemsRequest(page_size=100))
    return list(page.items)


async def until_items(suite: RunningSuite, count: int) -> list[pb.Item]:
    """The items once there are ``count`` of them."""

    async def enough() -> bool:
        return len(await stored_items(suite)) >= count

    await eventually(enough, timeout=20)
    return await stored_items(suite)


async def until_polled(server: DovecotServer, user: MailUser, polls: int) -> None:
    """Waits until ``polls`` more polls searched ``user``'s folder."""
    searches = len([c for c in server.commands(user) if c.startswith("UID SEARCH")])

    async def polled() -> bool:
        now = len([c for c in server.commands(user) if c.startswith("UID SEARCH")])
        return now >= searches + polls

    await eventually(polled, timeout=20)


def cursor_of(url: str, user: MailUser, folder: str = "INBOX") -> ImapCursor | None:
    """The stored cursor of ``user``'s mailbox folder, read from the ingest database."""
    database = Database(url)
    try:
        return ImapCursorStore(database).load(user.name, folder)
    finally:
        database.dispose()


def append(server: DovecotServer, user: MailUser, *messages: bytes, folder: str = "INBOX") -> None:
    """Delivers ``messages`` into ``folder`` by IMAP APPEND."""
    with server.connect(user) as connection:
        for message in messages:
            typ, data = connection.append(folder, None, None, message)
            assert typ == "OK", data


def flags(server: DovecotServer, user: MailUser, folder: str = "INBOX") -> dict[int, set[str]]:
    """The flags kept on each message of ``folder``, by UID (``\\Recent`` is not one: it
    belongs to the session that first sees the message)."""
    with server.connect(user) as connection:
        typ, _ = connection.select(folder)
        assert typ == "OK"
        typ, data = connection.uid("FETCH", "1:*", "(FLAGS)")
        assert typ == "OK"
    found = (_FLAGS.search(line) for line in data if isinstance(line, bytes))
    return {
        int(m.group(1)): set(m.group(2).decode().split()) - {"\\Recent"}
        for m in found
        if m is not None
    }


def mail(subject: str, message_id: str | None = None) -> bytes:
    """A small email; with ``message_id`` "" it has no Message-ID header."""
    raw = email_bytes(
        sender="Anne Martin <anne.martin@example.com>",
        subject=subject,
        body=f"Bonjour, {subject}.",
        message_id=message_id or None,
    )
    if message_id == "":
        raw = re.sub(rb"(?im)^Message-ID:.*\r?\n", b"", raw)
    return raw


async def test_new_messages_are_ingested_once_with_their_mailbox_and_flagged(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    support, claims = new_user(dovecot), new_user(dovecot)
    append(dovecot, support, mail("Adresse", "<adresse@example.com>"), mail("Résiliation"))
    append(dovecot, claims, mail("Sinistre", "<sinistre@example.com>"))
    async with ingesting(
        tmp_path,
        mailbox_entry(dovecot, support, tmp_path, queue="support"),
        mailbox_entry(dovecot, claims, tmp_path, queue="claims"),
    ) as suite:
        items = await until_items(suite, 3)
        await until_polled(dovecot, support, 3)
        assert len(await stored_items(suite)) == 3
    by_subject = {item.subject: item for item in items}
    assert set(by_subject) == {"Adresse", "Résiliation", "Sinistre"}
    assert all(item.state == pb.ITEM_STATE_ACCEPTED for item in items)
    metadata = by_subject["Résiliation"].metadata
    assert {key: metadata[key] for key in IMAP_METADATA} == {
        "imap_mailbox": support.name,
        "queue": "support",
        "imap_folder": "INBOX",
        "imap_uid": "2",
        "imap_uid_validity": by_subject["Adresse"].metadata["imap_uid_validity"],
    }
    assert by_subject["Sinistre"].metadata["queue"] == "claims"
    assert by_subject["Sinistre"].metadata["imap_mailbox"] == claims.name
    for user, count in ((support, 2), (claims, 1)):
        assert flags(dovecot, user) == {
            uid: {"\\Seen", "$ConfluxIngested"} for uid in range(1, count + 1)
        }


async def test_later_polls_fetch_only_the_new_messages(
    dovecot: DovecotServer, tmp_path: Path, ingest_database: str
) -> None:
    user = new_user(dovecot)
    append(dovecot, user, mail("Premier"), mail("Deuxième"))
    entry = mailbox_entry(dovecot, user, tmp_path)
    env = {"CONFLUX_INGEST_DATABASE_URL": ingest_database}
    async with ingesting(tmp_path, entry, env=env) as suite:
        await until_items(suite, 2)
        await until_polled(dovecot, user, 3)
        assert dovecot.body_fetches(user) == [1, 2]
        first = cursor_of(ingest_database, user)
        assert first is not None
        assert first.last_uid == 2

        append(dovecot, user, mail("Troisième"))
        items = await until_items(suite, 3)
        await until_polled(dovecot, user, 3)
        assert dovecot.body_fetches(user) == [1, 2, 3]
        assert cursor_of(ingest_database, user) == ImapCursor(first.uid_validity, 3)
    assert [item.subject for item in items] == ["Premier", "Deuxième", "Troisième"]


async def test_ingested_messages_are_moved_to_a_folder_created_when_missing(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    user = new_user(dovecot)
    append(dovecot, user, mail("Changement de RIB"), mail("Attestation"))
    entry = mailbox_entry(dovecot, user, tmp_path, after_ingest="move:Traités")
    async with ingesting(tmp_path, entry) as suite:
        await until_items(suite, 2)
        await until_polled(dovecot, user, 2)
    assert flags(dovecot, user) == {}
    # "Traités" in modified UTF-7, as IMAP names it.
    assert sorted(flags(dovecot, user, '"Trait&AOk-s"')) == [1, 2]


async def test_ingested_messages_are_deleted_when_configured(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    user = new_user(dovecot)
    append(dovecot, user, mail("À supprimer"))
    async with ingesting(tmp_path, mailbox_entry(dovecot, user, tmp_path, after_ingest="delete")):
        await until_polled(dovecot, user, 2)
    assert flags(dovecot, user) == {}
    assert dovecot.body_fetches(user) == [1]


async def test_without_move_and_uidplus_messages_are_copied_then_expunged(
    tmp_path: Path,
) -> None:
    with dovecot_server(capabilities="IMAP4rev1 LITERAL+ IDLE") as server:
        moving, deleting = new_user(server), new_user(server)
        append(server, moving, mail("À classer"))
        append(server, deleting, mail("À effacer"))
        async with ingesting(
            tmp_path,
            mailbox_entry(server, moving, tmp_path, after_ingest="move:Processed"),
            mailbox_entry(server, deleting, tmp_path, after_ingest="delete"),
        ) as suite:
            await until_items(suite, 2)
            await until_polled(server, moving, 2)
            await until_polled(server, deleting, 2)
        assert (flags(server, moving), flags(server, moving, "Processed")) == ({}, {1: set()})
        assert flags(server, deleting) == {}
        moved, deleted = server.commands(moving), server.commands(deleting)
    assert 'UID COPY 1 "Processed"' in moved
    assert not [command for command in moved + deleted if command.startswith("UID MOVE")]
    assert "EXPUNGE" in moved
    assert "EXPUNGE" in deleted


async def test_a_malformed_message_is_stored_in_triage_and_still_flagged(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    user = new_user(dovecot)
    append(dovecot, user, b"this is not an email at all\r\njust text\r\n", mail("Valide"))
    async with ingesting(tmp_path, mailbox_entry(dovecot, user, tmp_path)) as suite:
        items = await until_items(suite, 2)
    triaged, valid = items
    assert triaged.state == pb.ITEM_STATE_TRIAGE
    assert "no header block" in triaged.triage_reason
    assert triaged.metadata["imap_uid"] == "1"
    assert valid.state == pb.ITEM_STATE_ACCEPTED
    assert flags(dovecot, user) == {
        1: {"\\Seen", "$ConfluxIngested"},
        2: {"\\Seen", "$ConfluxIngested"},
    }


async def test_a_server_restart_is_survived_and_polling_resumes_from_the_cursor(
    tmp_path: Path,
) -> None:
    with dovecot_server() as server:
        user = new_user(server)
        append(server, user, mail("Avant le redémarrage"))
        async with ingesting(tmp_path, mailbox_entry(server, user, tmp_path)) as suite:
            await until_items(suite, 1)
            server.stop()
            server.start()
            append(server, user, mail("Après le redémarrage"))
            items = await until_items(suite, 2)
            await until_polled(server, user, 2)
        polling_sessions = [
            session
            for session in server.sessions(user)
            if any(command.startswith("UID SEARCH") for command in session)
        ]
        assert len(polling_sessions) >= 2
        assert server.body_fetches(user) == [1, 2]
        assert flags(server, user) == {
            1: {"\\Seen", "$ConfluxIngested"},
            2: {"\\Seen", "$ConfluxIngested"},
        }
    assert [item.subject for item in items] == ["Avant le redémarrage", "Après le redémarrage"]


async def test_a_new_uidvalidity_reads_the_folder_again_without_duplicating_items(
    dovecot: DovecotServer, tmp_path: Path, ingest_database: str
) -> None:
    user = new_user(dovecot)
    with dovecot.connect(user) as connection:
        assert connection.create("Incoming")[0] == "OK"
    with_id, without_id = mail("Avec identifiant", "<avec@example.com>"), mail("Sans", "")
    append(dovecot, user, with_id, without_id, folder="Incoming")
    entry = mailbox_entry(dovecot, user, tmp_path, folder="Incoming")
    env = {"CONFLUX_INGEST_DATABASE_URL": ingest_database}
    async with ingesting(tmp_path, entry, env=env) as suite:
        await until_items(suite, 2)
        await until_polled(dovecot, user, 2)
        before = cursor_of(ingest_database, user, "Incoming")
        assert before is not None

        with dovecot.connect(user) as connection:
            assert connection.delete("Incoming")[0] == "OK"
            assert connection.create("Incoming")[0] == "OK"
        append(dovecot, user, with_id, without_id, mail("Nouveau"), folder="Incoming")

        async def read_again() -> bool:
            cursor = cursor_of(ingest_database, user, "Incoming")
            return cursor is not None and cursor.last_uid == 3 and cursor != before

        await eventually(read_again, timeout=20)
        after = cursor_of(ingest_database, user, "Incoming")
        items = await stored_items(suite)
    assert after is not None
    assert after.uid_validity != before.uid_validity
    assert sorted(item.subject for item in items) == ["Avec identifiant", "Nouveau", "Sans"]
    assert dovecot.body_fetches(user) == [1, 2, 1, 2, 3]


@pytest.mark.parametrize(("security", "port"), [("tls", "imaps_port"), ("starttls", "imap_port")])
async def test_tls_and_starttls_trust_the_configured_ca(
    dovecot_tls: DovecotServer, tmp_path: Path, security: str, port: str
) -> None:
    user = new_user(dovecot_tls)
    append(dovecot_tls, user, mail(f"Par {security}"))
    entry = mailbox_entry(
        dovecot_tls, user, tmp_path, security=security, port=getattr(dovecot_tls, port)
    )
    assert dovecot_tls.cert_file is not None
    async with ingesting(
        tmp_path, entry, env={"CONFLUX_TLS_CA_FILE": str(dovecot_tls.cert_file)}
    ) as suite:
        items = await until_items(suite, 1)
    assert [item.subject for item in items] == [f"Par {security}"]
    assert f"user=<{user.name}>, method=PLAIN" in dovecot_tls.log()
    assert flags(dovecot_tls, user) == {1: {"\\Seen", "$ConfluxIngested"}}


async def test_a_certificate_from_an_unknown_authority_is_refused(
    dovecot_tls: DovecotServer, tmp_path: Path
) -> None:
    user = new_user(dovecot_tls)
    append(dovecot_tls, user, mail("Jamais lu"))
    entry = mailbox_entry(dovecot_tls, user, tmp_path, security="tls", port=dovecot_tls.imaps_port)
    with captured_warnings() as warnings:
        async with ingesting(tmp_path, entry) as suite:

            async def refused() -> bool:
                return any("CERTIFICATE_VERIFY_FAILED" in w for w in warnings)

            await eventually(refused, timeout=20)
            assert await stored_items(suite) == []
    assert "alert unknown ca" in dovecot_tls.log()
    assert not [c for c in dovecot_tls.commands(user) if c.startswith("SELECT")]
    assert flags(dovecot_tls, user) == {1: set()}


async def test_a_refused_login_is_retried_and_never_logs_the_password(tmp_path: Path) -> None:
    # A server of its own: Dovecot delays the next logins from an address that failed one.
    with dovecot_server() as server:
        user = new_user(server)
        append(server, user, mail("Bienvenue"))
        entry = mailbox_entry(server, user, tmp_path)
        write_password(entry, "wrong-password")
        with captured_warnings() as warnings:
            async with ingesting(tmp_path, entry) as suite:

                async def refused() -> bool:
                    return bool(warnings)

                await eventually(refused, timeout=20)
                write_password(entry, user.password)
                items = await until_items(suite, 1)
        refusal = (
            f"imap:{user.name}: cannot log in to 127.0.0.1:{server.imap_port} as '{user.name}'"
        )
    assert warnings[0].startswith(refusal)
    assert "AUTHENTICATIONFAILED" in warnings[0]
    assert not any("wrong-password" in w or user.password in w for w in warnings)
    assert [item.subject for item in items] == ["Bienvenue"]


class _Collector(logging.Handler):
    """Keeps the messages of the records it receives."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self._messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self._messages.append(record.getMessage())


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """The warnings the IMAP pollers log meanwhile (the suite replaces the root logger's
    handlers at start, so this one is on the pollers' own logger)."""
    messages: list[str] = []
    collector = _Collector(messages)
    poller_log = logging.getLogger("ingest_svc.imap_polling")
    poller_log.addHandler(collector)
    try:
        yield messages
    finally:
        poller_log.removeHandler(collector)
