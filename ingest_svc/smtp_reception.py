"""Mail received by SMTP: ingest as the final destination of an MX record or of a relay.

Refusals happen at protocol level, while the sending server is still there to keep the message,
and only for two reasons: a message over the size limit (``SIZE`` is advertised: ``552`` at MAIL
FROM when the client declares a larger size, ``552`` after DATA otherwise) and a mail loop (more
``Received`` headers than the limit: ``550``). Everything else is answered ``250`` only once
``FrontDoor.receive`` has returned, that is once the item is stored durably, malformed messages
included (stored in triage with the reason). When storage fails the answer is ``451``, a temporary
failure that the sending server retries: a message is never acknowledged unless stored, and never
bounced because ingest was down.

The message is stored byte for byte as it came. No ``Received`` trace header is prepended: two
deliveries of a message without Message-ID would then differ, and make two items. The envelope
and the connection go to the item's metadata instead: ``smtp_mail_from`` (``<>`` for a bounce),
``smtp_rcpt_to``, ``smtp_client``, ``smtp_helo``, ``smtp_server`` (the address that received it),
and ``queue`` when a recipient is mapped to one. Lines longer than RFC 5322's 998 characters are
accepted, because real senders write them and refusing after DATA loses the mail: only the size
limit bounds them.

STARTTLS is offered when the service has a certificate (``CONFLUX_TLS_CERT_FILE`` and
``CONFLUX_TLS_KEY_FILE``), and not required: a sending server that cannot negotiate TLS would
otherwise keep the mail. Client certificates are not asked for.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from chassis.config import CommonSettings, Environment, TlsSettings
from chassis.vocabulary import Channel
from ingest_svc.front_door import FrontDoor
from ingest_svc.intake import Submission

_log = logging.getLogger(__name__)

_RECEIVED_HEADER = re.compile(rb"^received[ \t]*:", re.IGNORECASE | re.MULTILINE)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")
_IDENT = "Conflux ingest"
_FIRST_RETRY_SECONDS = 1.0
_LONGEST_RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class SmtpSettings:
    """Where SMTP is served, what it accepts, and which recipient feeds which queue."""

    address: str
    max_message_bytes: int
    max_received_headers: int
    queues: Mapping[str, str]
    """Queue name by recipient address (case-folded)."""
    tls: TlsSettings | None


def load_smtp_settings(
    env: Environment, common: CommonSettings, max_item_bytes: int
) -> SmtpSettings | None:
    """Reads ``CONFLUX_INGEST_SMTP_*`` (problems recorded in ``env``); None when SMTP is off
    (``CONFLUX_INGEST_SMTP_ADDRESS`` empty)."""
    if not env.text("CONFLUX_INGEST_SMTP_ADDRESS", ""):
        return None
    address = env.address("CONFLUX_INGEST_SMTP_ADDRESS", "")
    max_bytes = env.integer("CONFLUX_INGEST_SMTP_MAX_BYTES", max_item_bytes, minimum=1)
    if max_bytes > max_item_bytes:
        env.problem(
            "CONFLUX_INGEST_SMTP_MAX_BYTES must not exceed CONFLUX_INGEST_MAX_ITEM_BYTES "
            f"({max_bytes} > {max_item_bytes})"
        )
    return SmtpSettings(
        address=address,
        max_message_bytes=max_bytes,
        max_received_headers=env.integer("CONFLUX_INGEST_SMTP_MAX_RECEIVED_HEADERS", 30, minimum=1),
        queues=_queues(env, "CONFLUX_INGEST_SMTP_QUEUES"),
        tls=common.server.tls,
    )


def _queues(env: Environment, name: str) -> dict[str, str]:
    queues: dict[str, str] = {}
    for entry in env.text(name, "").split(","):
        if not entry.strip():
            continue
        address, separator, queue = entry.partition("=")
        address, queue = address.strip().casefold(), queue.strip()
        if not separator or "@" not in address or not queue:
            env.problem(f"{name}: {entry.strip()!r} is not recipient@domain=queue")
            continue
        queues[address] = queue
    return queues


class SmtpReception:
    """The SMTP listener, run by the ingest service as a channel adapter."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings, front_door: FrontDoor) -> None:
        self._settings = settings
        self._delivery = _Delivery(front_door, settings)
        self._tls = _server_tls_context(settings.tls) if settings.tls is not None else None
        # aiosmtpd would ask the resolver for the FQDN, which hangs where DNS is unreachable.
        self._hostname = socket.gethostname()
        self._connections: set[_Connection] = set()

    async def run(self) -> None:
        """Serves SMTP until cancelled (retrying with backoff while the address cannot be
        bound); then accepts no new connection, lets the messages being stored get their
        answer, and closes the connections."""
        server = await self._listen()
        try:
            await server.serve_forever()
        finally:
            server.close()
            await self._delivery.idle()
            for connection in list(self._connections):
                connection.close()

    async def _listen(self) -> asyncio.Server:
        host, _, port = self._settings.address.rpartition(":")
        delay = _FIRST_RETRY_SECONDS
        while True:
            try:
                server = await asyncio.get_running_loop().create_server(
                    self._connect, host.strip("[]"), int(port), reuse_address=True
                )
            except OSError as error:
                _log.error(
                    "cannot listen for SMTP on %s (CONFLUX_INGEST_SMTP_ADDRESS): %s; "
                    "retrying in %.0f s",
                    self._settings.address,
                    error,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(2 * delay, _LONGEST_RETRY_SECONDS)
                continue
            _log.info("receiving mail by SMTP on %s", self._settings.address)
            return server

    def _connect(self) -> _Connection:
        return _Connection(
            self._delivery,
            self._connections,
            data_size_limit=self._settings.max_message_bytes,
            enable_SMTPUTF8=True,
            hostname=self._hostname,
            ident=_IDENT,
            tls_context=self._tls,
            loop=asyncio.get_running_loop(),
        )


class _Connection(SMTP):
    """aiosmtpd's SMTP session, accepting lines as long as a whole message may be, and listed
    in ``connections`` while open."""

    def __init__(
        self,
        handler: _Delivery,
        connections: set[_Connection],
        *,
        data_size_limit: int,
        **options: Any,
    ) -> None:
        # Set before SMTP.__init__, which sizes its stream reader with it: at aiosmtpd's 1001
        # bytes, a longer line is refused with 500 after DATA and the mail is lost.
        self.line_length_limit = data_size_limit + 2
        super().__init__(handler, data_size_limit=data_size_limit, **options)
        self._connections = connections

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Lists the connection, then lets aiosmtpd greet the client."""
        self._connections.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        """Forgets the connection, then lets aiosmtpd clean up."""
        self._connections.discard(self)
        super().connection_lost(error)

    def close(self) -> None:
        """Closes the connection (a message being received is not acknowledged)."""
        if self.transport is not None:
            self.transport.close()


class _Delivery:
    """The aiosmtpd handler: loop check, durable storage, then the answer."""

    def __init__(self, front_door: FrontDoor, settings: SmtpSettings) -> None:
        self._front_door = front_door
        self._settings = settings
        self._storing = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Stores the message and answers 250, or 451 when it could not be stored; 550 for a
        mail loop."""
        raw = envelope.original_content or b""
        received = len(_RECEIVED_HEADER.findall(_END_OF_HEADERS.split(raw, maxsplit=1)[0]))
        if received > self._settings.max_received_headers:
            return (
                f"550 5.4.6 Mail loop: {received} Received headers "
                f"(the limit is {self._settings.max_received_headers})"
            )
        submission = Submission(
            channel=Channel.EMAIL, metadata=self._metadata(server, session, envelope), raw=raw
        )
        self._storing += 1
        self._idle.clear()
        try:
            result = await self._front_door.receive(submission)
        # Whatever failed (database, disk, a bug), the message is not stored: the sender must
        # keep it and retry, never be told it was delivered nor that it never will be.
        except Exception:
            _log.exception("SMTP message from <%s> not stored; answered 451", envelope.mail_from)
            return "451 4.3.0 The message could not be stored; try again later"
        finally:
            self._storing -= 1
            if not self._storing:
                self._idle.set()
        if not result.created:
            return f"250 2.0.0 Already stored as {result.item.item_id}"
        return f"250 2.0.0 Stored as {result.item.item_id}"

    async def idle(self) -> None:
        """Returns when no message is being stored."""
        await self._idle.wait()

    def _metadata(self, server: SMTP, session: Session, envelope: Envelope) -> dict[str, str]:
        transport = server.transport
        metadata = {
            "smtp_mail_from": envelope.mail_from or "<>",
            "smtp_rcpt_to": ", ".join(envelope.rcpt_tos),
            "smtp_client": _host_and_port(transport, "peername"),
            "smtp_helo": session.host_name or "",
            "smtp_server": _host_and_port(transport, "sockname"),
        }
        queue = next(
            (
                self._settings.queues[recipient.casefold()]
                for recipient in envelope.rcpt_tos
                if recipient.casefold() in self._settings.queues
            ),
            "",
        )
        if queue:
            metadata["queue"] = queue
        return metadata


def _host_and_port(transport: asyncio.BaseTransport | None, which: str) -> str:
    address = transport.get_extra_info(which) if transport is not None else None
    if not isinstance(address, tuple) or len(address) < 2:
        return ""
    return f"{address[0]}:{address[1]}"


def _server_tls_context(tls: TlsSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.cert_file, tls.key_file)
    return context
