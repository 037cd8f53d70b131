"""IMAP polling: one channel adapter per configured mailbox, incremental by UIDVALIDITY + UID.

A poll selects the folder, compares its UIDVALIDITY with the stored cursor, searches the UIDs
above the cursor's last UID and, for each in order: fetches the message (without marking it
read), hands it to ``FrontDoor.receive`` (which stores it, in triage when malformed), and only
once that returned flags, moves or deletes it at the source, then advances the stored cursor.
A poll therefore never downloads again what an earlier one stored. A crash between storing and
advancing makes the next poll fetch that one message again; its dedup key (Message-ID, else the
bytes' hash) makes the second store a no-op, and the flag or move is then done.

When the folder's UIDVALIDITY changed (the folder was recreated or the server rebuilt its
indexes), the folder is read again from its first message: dedup keeps the items single.

A lost connection or a server restart closes the session; the poller reconnects after a delay
that doubles from ``min(1 s, poll interval)`` up to a minute, and resumes from the stored cursor.

``imaplib`` is blocking, so each poller owns one thread where all its IMAP calls run (an imaplib
connection is not for concurrent use, and a server that hangs until the timeout then holds this
thread only, never one of the component's pool that storage and the gRPC API need).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Concatenate, ParamSpec, TypeVar

from chassis.vocabulary import Channel
from chassis.workers import BlockingPool
from ingest_svc.front_door import FrontDoor
from ingest_svc.imap_cursors import ImapCursor, ImapCursorStore
from ingest_svc.imap_mailboxes import AfterIngestAction, ImapMailbox, ImapSettings
from ingest_svc.imap_session import ImapError, ImapSession, imap_ssl_context
from ingest_svc.intake import Submission

P = ParamSpec("P")
T = TypeVar("T")

_log = logging.getLogger(__name__)

NETWORK_TIMEOUT_SECONDS = 60.0
"""Longest wait for the server on one command before the connection is given up."""
MAX_RETRY_SECONDS = 60.0


def imap_pollers(
    settings: ImapSettings, front_door: FrontDoor, cursors: ImapCursorStore, pool: BlockingPool
) -> list[ImapPoller]:
    """One poller per mailbox, trusting the system's certificate authorities and, when set,
    the settings' CA file."""
    context = imap_ssl_context(settings.ca_file)
    return [
        ImapPoller(mailbox, front_door, cursors, pool, context) for mailbox in settings.mailboxes
    ]


class ImapPoller:
    """Brings the new messages of one mailbox folder in, every ``poll_seconds``."""

    def __init__(
        self,
        mailbox: ImapMailbox,
        front_door: FrontDoor,
        cursors: ImapCursorStore,
        pool: BlockingPool,
        ssl_context: ssl.SSLContext,
    ) -> None:
        self._mailbox = mailbox
        self._front_door = front_door
        self._cursors = cursors
        self._pool = pool
        self._ssl_context = ssl_context

    @property
    def name(self) -> str:
        """``imap:<mailbox name>``."""
        return f"imap:{self._mailbox.name}"

    async def run(self) -> None:
        """Polls until cancelled; a failed poll is retried after a growing delay."""
        connection = _MailboxConnection(self._mailbox, self._ssl_context)
        first_retry = min(1.0, self._mailbox.poll_seconds)
        retry = first_retry
        try:
            while True:
                try:
                    await self._poll(connection)
                except ImapError as error:
                    _log.warning("%s: %s; retrying in %.1f s", self.name, error, retry)
                except Exception:
                    # A database or storage failure must not end the channel for good: it is
                    # logged with its traceback and the poll retried like a network failure.
                    _log.exception("%s: poll failed; retrying in %.1f s", self.name, retry)
                else:
                    retry = first_retry
                    await asyncio.sleep(self._mailbox.poll_seconds)
                    continue
                await connection.reset()
                await asyncio.sleep(retry)
                retry = min(2 * retry, MAX_RETRY_SECONDS)
        finally:
            connection.close_soon()

    async def _poll(self, connection: _MailboxConnection) -> None:
        mailbox, folder_name = self._mailbox.name, self._mailbox.folder
        uid_validity = await connection.call(ImapSession.select, folder_name)
        cursor = await self._pool.run(self._cursors.load, mailbox, folder_name)
        if cursor is None or cursor.uid_validity != uid_validity:
            if cursor is not None:
                _log.warning(
                    "%s: UIDVALIDITY of %r changed from %d to %d: reading the folder again "
                    "(messages already stored are recognised and not duplicated)",
                    self.name,
                    folder_name,
                    cursor.uid_validity,
                    uid_validity,
                )
            cursor = ImapCursor(uid_validity, 0)
            await self._pool.run(self._cursors.save, mailbox, folder_name, cursor)
        for uid in await connection.call(ImapSession.uids_after, cursor.last_uid):
            raw = await connection.call(ImapSession.fetch, uid)
            if raw is not None:
                stored = await self._front_door.receive(self._submission(raw, cursor, uid))
                _log.debug(
                    "%s: UID %d stored as %s (%s)",
                    self.name,
                    uid,
                    stored.item.item_id,
                    "new" if stored.created else "already known",
                )
                await connection.call(ImapSession.mark_ingested, uid, self._mailbox.after_ingest)
            cursor = ImapCursor(cursor.uid_validity, uid)
            await self._pool.run(self._cursors.save, mailbox, folder_name, cursor)

    def _submission(self, raw: bytes, cursor: ImapCursor, uid: int) -> Submission:
        mailbox = self._mailbox
        return Submission(
            channel=Channel.EMAIL,
            file_name=f"imap-{mailbox.name}-{cursor.uid_validity}-{uid}.eml",
            media_type="message/rfc822",
            metadata={
                "imap_mailbox": mailbox.name,
                "queue": mailbox.queue,
                "imap_folder": mailbox.folder,
                "imap_uid_validity": str(cursor.uid_validity),
                "imap_uid": str(uid),
            },
            raw=raw,
        )


class _MailboxConnection:
    """The poller's IMAP session and the one thread it is used from, connecting on demand."""

    def __init__(self, mailbox: ImapMailbox, ssl_context: ssl.SSLContext) -> None:
        self._mailbox = mailbox
        self._ssl_context = ssl_context
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"imap-{mailbox.name}")
        # Read and written in the executor's thread only, but for ``interrupt`` in close_soon.
        self._session: ImapSession | None = None

    async def call(
        self,
        operation: Callable[Concatenate[ImapSession, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Runs ``operation`` on the session in the connection's thread, connecting first when
        there is no session."""

        def in_thread() -> T:
            return operation(self._open_session(), *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._executor, in_thread)

    async def reset(self) -> None:
        """Drops the session (after a failure); the next call connects again."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._drop_session)

    def close_soon(self) -> None:
        """Interrupts the call in progress, if any, and closes the session and the thread
        without waiting for them (the poller is being stopped)."""
        session = self._session
        if session is not None:
            session.interrupt()
        # The thread runs one call at a time, in order: this drop comes after a connection
        # being opened, and closes it too.
        self._executor.submit(self._drop_session)
        self._executor.shutdown(wait=False)

    def _open_session(self) -> ImapSession:
        if self._session is not None:
            return self._session
        mailbox = self._mailbox
        session = ImapSession.open(mailbox, self._ssl_context, NETWORK_TIMEOUT_SECONDS)
        if mailbox.after_ingest.action is AfterIngestAction.MOVE:
            target = mailbox.after_ingest.folder
            try:
                created = session.ensure_folder(target)
            except ImapError:
                session.close()
                raise
            if created:
                _log.info("imap:%s: created the folder %r", mailbox.name, target)
        _log.info(
            "imap:%s: connected to %s:%d (%s) as %r",
            mailbox.name,
            mailbox.host,
            mailbox.port,
            mailbox.security,
            mailbox.username,
        )
        self._session = session
        return session

    def _drop_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
