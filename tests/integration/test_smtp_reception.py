"""SMTP reception on a real aiosmtpd listener in the ingest service, with Python's smtplib as the
sending server: acknowledged only once stored, refused only at protocol level (size, loop),
malformed mail kept in triage, 451 while the database is gone, automatic mail and floods flagged.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import smtplib
import socket
import sqlite3
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from tests.support.databases import BACKENDS, database_url, postgres_server_url
from tests.support.documents import email_bytes
from tests.support.processes import free_port
from tests.support.suite import RunningSuite, eventually, running_suite

MAX_MESSAGE_BYTES = 50_000
MAX_ITEMS_PER_SENDER = 5
MAX_SAME_CONTENT = 2
CLIENT_NAME = "mx.example.net"
SERVICE_ADDRESS = "service-client@conflux.test"
CLAIMS_ADDRESS = "Sinistres@Conflux.test"


@dataclass
class SmtpSuite:
    """Ingest with SMTP on ``port``, its database and the API."""

    running: RunningSuite
    port: int
    backend: str
    database_url: str
    stub: pb_grpc.IngestServiceAsyncStub


@pytest.fixture(scope="module", params=BACKENDS)
async def smtp(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SmtpSuite]:
    """Ingest alone, receiving SMTP on a free loopback port, with small limits."""
    data_dir = tmp_path_factory.mktemp("smtp")
    port = free_port()
    with database_url(request.param, data_dir, "ingest") as url:
        async with running_suite(
            data_dir,
            only=["ingest"],
            extra_env={
                "CONFLUX_INGEST_DATABASE_URL": url,
                "CONFLUX_INGEST_SMTP_ADDRESS": f"127.0.0.1:{port}",
                "CONFLUX_INGEST_SMTP_MAX_BYTES": str(MAX_MESSAGE_BYTES),
                "CONFLUX_INGEST_SMTP_QUEUES": f"{CLAIMS_ADDRESS.lower()}=claims",
                "CONFLUX_INGEST_FLOOD_MAX_ITEMS": str(MAX_ITEMS_PER_SENDER),
                "CONFLUX_INGEST_FLOOD_MAX_SAME_CONTENT": str(MAX_SAME_CONTENT),
            },
        ) as running:
            await eventually(lambda: _listening(port), timeout=10)
            yield SmtpSuite(
                running, port, request.param, url, pb_grpc.IngestServiceStub(running.channel)
            )


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


@dataclass(frozen=True)
class Reply:
    """The SMTP server's answer to the message: to MAIL FROM when it refused it, else to DATA."""

    code: int
    text: str

    @property
    def item_id(self) -> str:
        """The item the server said it stored the message as."""
        found = re.search(r"stored as (req-\S+)", self.text, re.IGNORECASE)
        assert found, self.text
        return found.group(1)


def _send(
    port: int,
    raw: bytes,
    *,
    mail_from: str,
    recipients: Sequence[str] = (SERVICE_ADDRESS,),
    declare_size: bool = False,
    starttls: ssl.SSLContext | None = None,
) -> Reply:
    with smtplib.SMTP("127.0.0.1", port, local_hostname=CLIENT_NAME, timeout=10) as client:
        client.ehlo()
        if starttls is not None:
            client.starttls(context=starttls)
            client.ehlo()
        options = [f"SIZE={len(raw)}"] if declare_size else []
        code, answer = client.mail(mail_from, options)
        if code != 250:
            return Reply(code, answer.decode())
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == 250
        code, answer = client.data(raw)
        return Reply(code, answer.decode())


def _extensions(port: int) -> dict[str, str]:
    with smtplib.SMTP("127.0.0.1", port, local_hostname=CLIENT_NAME, timeout=10) as client:
        client.ehlo()
        return dict(client.esmtp_features)


async def deliver(
    suite: SmtpSuite,
    raw: bytes,
    *,
    mail_from: str = "bounces@example.net",
    recipients: Sequence[str] = (SERVICE_ADDRESS,),
    declare_size: bool = False,
) -> Reply:
    """Sends ``raw`` by SMTP from a thread (smtplib blocks; the server runs on this loop)."""
    return await asyncio.to_thread(
        _send,
        suite.port,
        raw,
        mail_from=mail_from,
        recipients=recipients,
        declare_size=declare_size,
    )


async def get_item(suite: SmtpSuite, item_id: str) -> pb.Item:
    """The stored item."""
    return (await suite.stub.GetItem(pb.GetItemRequest(item_id=item_id))).item


async def feed(suite: SmtpSuite) -> list[pb.Item]:
    """Every item on the feed."""
    items: list[pb.Item] = []
    token = ""
    while True:
        page = await suite.stub.ListAcceptedItems(
            pb.ListAcceptedItemsRequest(page_size=100, page_token=token)
        )
        if not page.items:
            return items
        items.extend(page.items)
        token = page.next_page_token


def mail(
    sender: str, subject: str, *, body: str = "Bonjour, voici ma demande.", **headers: str
) -> bytes:
    """A plain email with CRLF line ends (as sent on the wire) and extra ``headers``
    (underscores read as dashes)."""
    raw = email_bytes(sender=sender, subject=subject, body=body)
    extra = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    return (extra.encode() + raw).replace(b"\n", b"\r\n")


async def test_a_mail_is_acknowledged_once_stored_with_its_envelope(smtp: SmtpSuite) -> None:
    reply = await deliver(
        smtp,
        mail("Anne Martin <anne.martin@example.com>", "Déclaration de sinistre"),
        mail_from="bounces+anne@example.com",
        recipients=(SERVICE_ADDRESS, CLAIMS_ADDRESS),
    )

    assert reply.code == 250
    item = await get_item(smtp, reply.item_id)
    assert item.state == pb.ITEM_STATE_ACCEPTED
    assert item.channel == channel_pb2.CHANNEL_EMAIL
    assert item.sender == "anne.martin@example.com"
    assert item.subject == "Déclaration de sinistre"
    assert "voici ma demande" in item.body_text
    assert item.metadata["smtp_mail_from"] == "bounces+anne@example.com"
    assert item.metadata["smtp_rcpt_to"] == f"{SERVICE_ADDRESS}, {CLAIMS_ADDRESS}"
    assert item.metadata["smtp_helo"] == CLIENT_NAME
    assert item.metadata["smtp_client"].startswith("127.0.0.1:")
    assert item.metadata["smtp_server"] == f"127.0.0.1:{smtp.port}"
    assert item.metadata["queue"] == "claims"
    assert "flood" not in item.metadata
    assert "auto_reply" not in item.metadata
    assert item.item_id in [i.item_id for i in await feed(smtp)]


async def test_a_recipient_without_a_queue_sets_none(smtp: SmtpSuite) -> None:
    reply = await deliver(smtp, mail("paul@example.org", "Question"))

    item = await get_item(smtp, reply.item_id)
    assert "queue" not in item.metadata
    assert item.metadata["smtp_rcpt_to"] == SERVICE_ADDRESS


async def test_a_bounce_records_the_null_sender(smtp: SmtpSuite) -> None:
    reply = await deliver(smtp, mail("postmaster@example.org", "Undelivered"), mail_from="")

    assert (await get_item(smtp, reply.item_id)).metadata["smtp_mail_from"] == "<>"


async def test_a_message_over_the_size_limit_is_refused_at_protocol_level(
    smtp: SmtpSuite,
) -> None:
    big = mail("big@example.org", "Trop gros", body="x" * 70 + "\n" * MAX_MESSAGE_BYTES)

    features = await asyncio.to_thread(_extensions, smtp.port)
    declared = await deliver(smtp, big, declare_size=True)
    undeclared = await deliver(smtp, big)

    assert features["size"] == str(MAX_MESSAGE_BYTES)
    assert declared.code == 552
    assert undeclared.code == 552
    assert "Trop gros" not in [item.subject for item in await feed(smtp)]


async def test_the_size_limit_is_exact(smtp: SmtpSuite) -> None:
    def sized(size: int, subject: str) -> bytes:
        raw = mail("large@example.org", subject)
        # One long header line (which the server accepts) brings the message to ``size``.
        return b"X-Padding: " + b"p" * (size - len(raw) - 13) + b"\r\n" + raw

    at_limit = await deliver(smtp, sized(MAX_MESSAGE_BYTES, "Juste assez"))
    over_limit = await deliver(smtp, sized(MAX_MESSAGE_BYTES + 1, "Un octet de trop"))

    assert at_limit.code == 250
    assert over_limit.code == 552
    assert (await get_item(smtp, at_limit.item_id)).raw.size_bytes == MAX_MESSAGE_BYTES


async def test_garbage_after_data_is_acknowledged_and_stored_in_triage(smtp: SmtpSuite) -> None:
    reply = await deliver(
        smtp, b"this is not an email at all\njust noise\n", mail_from="noise@example.org"
    )

    assert reply.code == 250
    item = await get_item(smtp, reply.item_id)
    assert item.state == pb.ITEM_STATE_TRIAGE
    assert "no header block" in item.triage_reason
    assert item.metadata["smtp_mail_from"] == "noise@example.org"


async def test_a_truncated_mail_is_acknowledged_and_stored_in_triage(smtp: SmtpSuite) -> None:
    whole = email_bytes(
        sender="anne.martin@example.com",
        subject="Pièce jointe coupée",
        body="Voir pièce jointe",
        attachments=[("releve.pdf", "application/pdf", bytes(range(256)) * 20)],
    )
    # Cut in the middle of a base64 line, as a dropped connection upstream leaves it.
    last_line = whole.rindex(b"\n", 0, len(whole) * 2 // 3)
    truncated = whole[: last_line + 11]

    reply = await deliver(smtp, truncated, mail_from="anne.martin@example.com")

    assert reply.code == 250
    item = await get_item(smtp, reply.item_id)
    assert item.state == pb.ITEM_STATE_TRIAGE
    assert item.triage_reason.startswith("raw: truncated")
    assert item.raw.size_bytes >= len(truncated)


async def test_lines_longer_than_rfc_5322_allows_are_accepted(smtp: SmtpSuite) -> None:
    headers = b"From: long@example.org\r\nSubject: Ligne longue\r\nMIME-Version: 1.0\r\n"
    one_line = b"mot " * 2000

    reply = await deliver(smtp, headers + b"\r\n" + one_line + b"\r\n")

    assert reply.code == 250
    item = await get_item(smtp, reply.item_id)
    assert item.state == pb.ITEM_STATE_ACCEPTED
    assert item.body_text.count("mot") == 2000


async def test_the_same_message_id_twice_is_one_item(smtp: SmtpSuite) -> None:
    raw = email_bytes(
        sender="jean@example.com", subject="Relance", body="b", message_id="<twice@example.com>"
    )

    first = await deliver(smtp, raw)
    second = await deliver(smtp, raw)

    assert (first.code, second.code) == (250, 250)
    assert first.item_id == second.item_id
    assert second.text.startswith("2.0.0 Already stored")
    assert [i.subject for i in await feed(smtp)].count("Relance") == 1


@contextmanager
def ingest_database_gone(suite: SmtpSuite) -> Iterator[None]:
    """The ingest tables unreachable for real while the block runs: on PostgreSQL its schema is
    renamed away; on SQLite the items table is."""
    if suite.backend == "sqlite":
        path = make_url(suite.database_url).database
        assert path
        with closing(sqlite3.connect(path)) as database:
            database.execute("ALTER TABLE ingest_items RENAME TO ingest_items_gone")
            database.commit()
            try:
                yield
            finally:
                database.execute("ALTER TABLE ingest_items_gone RENAME TO ingest_items")
                database.commit()
        return
    options = str(make_url(suite.database_url).query["options"])
    schema = options.removeprefix("-csearch_path=")
    engine = create_engine(postgres_server_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_gone"'))
        try:
            yield
        finally:
            with engine.connect() as connection:
                connection.execute(text(f'ALTER SCHEMA "{schema}_gone" RENAME TO "{schema}"'))
    finally:
        engine.dispose()


async def test_a_message_that_cannot_be_stored_gets_451_and_is_stored_when_retried(
    smtp: SmtpSuite,
) -> None:
    raw = mail("panne@example.com", "Pendant la panne")

    with ingest_database_gone(smtp):
        during = await deliver(smtp, raw)
    retried = await deliver(smtp, raw)

    assert during.code == 451
    assert retried.code == 250
    assert (await get_item(smtp, retried.item_id)).subject == "Pendant la panne"
    assert [i.subject for i in await feed(smtp)].count("Pendant la panne") == 1


async def test_an_auto_reply_is_stored_and_flagged(smtp: SmtpSuite) -> None:
    reply = await deliver(
        smtp, mail("ooo@example.com", "Absent du bureau", Auto_Submitted="auto-replied")
    )

    assert reply.code == 250
    item = await get_item(smtp, reply.item_id)
    assert item.state == pb.ITEM_STATE_ACCEPTED
    assert item.metadata["auto_reply"] == "Auto-Submitted: auto-replied"


async def test_the_same_content_again_and_again_is_flagged_as_a_flood(smtp: SmtpSuite) -> None:
    flags = []
    for _ in range(MAX_SAME_CONTENT + 1):
        raw = email_bytes(sender="loop@example.com", subject="Re: votre message", body="Reçu.")
        reply = await deliver(smtp, raw)
        assert reply.code == 250
        flags.append((await get_item(smtp, reply.item_id)).metadata.get("flood", ""))

    assert flags[:MAX_SAME_CONTENT] == [""] * MAX_SAME_CONTENT
    assert flags[-1] == (
        f"the same content more than {MAX_SAME_CONTENT} times from loop@example.com within 600 s"
    )


async def test_too_many_items_from_one_sender_are_flagged_as_a_flood(smtp: SmtpSuite) -> None:
    flags = []
    for number in range(MAX_ITEMS_PER_SENDER + 1):
        raw = email_bytes(
            sender="Robot <ROBOT@example.com>", subject=f"Alerte {number}", body=f"n° {number}"
        )
        reply = await deliver(smtp, raw)
        flags.append((await get_item(smtp, reply.item_id)).metadata.get("flood", ""))

    assert flags[:MAX_ITEMS_PER_SENDER] == [""] * MAX_ITEMS_PER_SENDER
    assert (
        flags[-1] == f"more than {MAX_ITEMS_PER_SENDER} items from robot@example.com within 600 s"
    )


async def test_floods_are_flagged_on_the_grpc_door_too(smtp: SmtpSuite) -> None:
    flags = []
    for attempt in range(MAX_SAME_CONTENT + 1):
        response = await smtp.stub.SubmitItem(
            pb.SubmitItemRequest(
                # A new request id each time: a client script resending, not a retry.
                header=pb.ItemHeader(channel=channel_pb2.CHANNEL_SMS, request_id=f"stop-{attempt}"),
                message=pb.ShortMessage(sender="+33612345678", body="STOP"),
            )
        )
        flags.append(response.item.metadata.get("flood", ""))

    assert flags[:MAX_SAME_CONTENT] == [""] * MAX_SAME_CONTENT
    assert flags[-1].startswith(f"the same content more than {MAX_SAME_CONTENT} times from +336")


async def test_a_mail_loop_is_refused(smtp: SmtpSuite) -> None:
    def looping(hops: int) -> bytes:
        trace = b"".join(
            b"Received: from relay%d.example.net by relay%d.example.net; "
            b"Mon, 1 Jan 2024 10:00:00 +0000\r\n" % (hop, hop + 1)
            for hop in range(hops)
        )
        return trace + mail("echo@example.net", f"Boucle {hops}")

    refused = await deliver(smtp, looping(31))
    accepted = await deliver(smtp, looping(30))

    assert refused.code == 550
    assert "Mail loop: 31 Received headers" in refused.text
    assert accepted.code == 250
    subjects = [item.subject for item in await feed(smtp)]
    assert "Boucle 31" not in subjects
    assert "Boucle 30" in subjects


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1 (``cert.pem``), its key beside it (``key.pem``)."""
    directory = tmp_path_factory.mktemp("smtp-tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
        ],
        check=True,
        capture_output=True,
        cwd=directory,
    )
    return directory / "cert.pem"


@pytest.fixture(scope="module")
async def tls_smtp(certificate: Path) -> AsyncIterator[int]:
    """Ingest with a certificate: SMTP offers STARTTLS. Yields the SMTP port."""
    port = free_port()
    async with running_suite(
        certificate.parent,
        only=["ingest"],
        extra_env={
            "CONFLUX_INGEST_SMTP_ADDRESS": f"127.0.0.1:{port}",
            "CONFLUX_TLS_CERT_FILE": str(certificate),
            "CONFLUX_TLS_KEY_FILE": str(certificate.parent / "key.pem"),
        },
    ):
        await eventually(lambda: _listening(port), timeout=10)
        yield port


async def test_starttls_is_offered_when_the_service_has_a_certificate(
    tls_smtp: int, certificate: Path
) -> None:
    port = tls_smtp
    features = await asyncio.to_thread(_extensions, port)
    trust = ssl.create_default_context(cafile=str(certificate))

    encrypted = await asyncio.to_thread(
        _send, port, mail("tls@example.com", "Chiffré"), mail_from="tls@example.com", starttls=trust
    )
    plain = await asyncio.to_thread(
        _send, port, mail("tls@example.com", "En clair"), mail_from="tls@example.com"
    )

    assert "starttls" in features
    assert encrypted.code == 250
    assert plain.code == 250


async def test_the_listener_binds_once_its_address_is_free(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        async with running_suite(
            tmp_path,
            only=["ingest"],
            extra_env={"CONFLUX_INGEST_SMTP_ADDRESS": f"127.0.0.1:{port}"},
        ):
            await asyncio.sleep(0.2)
            squatter.close()
            await eventually(lambda: _answers_smtp(port), timeout=10)


async def _answers_smtp(port: int) -> bool:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    greeting = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return greeting.startswith(b"220 ")
