"""Where each polled IMAP folder stands: its UIDVALIDITY and the last UID ingest stored.

A UID is meaningful only with the UIDVALIDITY it was read under (RFC 3501 §2.3.1.1): when the
server reports another UIDVALIDITY for the folder, every UID known so far is void and the folder
is read again from the start (what was already stored is recognised by its dedup key).
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.database import Database
from chassis.timestamps import utc_now
from ingest_svc.tables import ImapCursorRow


@dataclass(frozen=True)
class ImapCursor:
    """The folder's UIDVALIDITY and the highest UID whose message is stored (0: none yet)."""

    uid_validity: int
    last_uid: int


class ImapCursorStore:
    """The cursors of every mailbox folder, in the ingest database."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def load(self, mailbox: str, folder: str) -> ImapCursor | None:
        """The cursor of ``folder`` in ``mailbox``, or None before its first poll."""
        with self._database.reading() as session:
            row = session.get(ImapCursorRow, (mailbox, folder))
            return None if row is None else ImapCursor(row.uid_validity, row.last_uid)

    def save(self, mailbox: str, folder: str, cursor: ImapCursor) -> None:
        """Records ``cursor`` as where ``folder`` in ``mailbox`` stands (committed on return)."""
        with self._database.writing() as session:
            row = session.get(ImapCursorRow, (mailbox, folder))
            if row is None:
                row = ImapCursorRow(mailbox=mailbox, folder=folder)
                session.add(row)
            row.uid_validity = cursor.uid_validity
            row.last_uid = cursor.last_uid
            row.update_time = utc_now()
