"""Settings of the ingest service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chassis.config import CommonSettings, Environment
from ingest_svc.drop_folder_settings import DropFolderSettings, load_drop_folder_settings
from ingest_svc.flood_guard import FloodLimits, load_flood_limits
from ingest_svc.imap_mailboxes import ImapSettings, load_imap_settings
from ingest_svc.smtp_reception import SmtpSettings, load_smtp_settings


@dataclass(frozen=True)
class IngestSettings:
    """Where items are stored, and the limits applied to what arrives."""

    database_url: str
    blob_dir: Path
    max_item_bytes: int
    max_attachments: int
    max_nesting_depth: int
    flood: FloodLimits
    smtp: SmtpSettings | None
    imap: ImapSettings | None
    drop_folders: DropFolderSettings | None


def load_settings(env: Environment, common: CommonSettings) -> IngestSettings:
    """Reads ``CONFLUX_INGEST_*`` (problems recorded in ``env``)."""
    max_item = env.integer("CONFLUX_INGEST_MAX_ITEM_BYTES", 25 * 1024 * 1024, minimum=1)
    if max_item > common.server.max_message_bytes:
        env.problem(
            "CONFLUX_INGEST_MAX_ITEM_BYTES must not exceed CONFLUX_MAX_MESSAGE_BYTES "
            f"({max_item} > {common.server.max_message_bytes})"
        )
    return IngestSettings(
        database_url=common.database_url(env, "ingest"),
        blob_dir=Path(env.text("CONFLUX_INGEST_BLOB_DIR", str(common.data_dir / "blobs"))),
        max_item_bytes=max_item,
        max_attachments=env.integer("CONFLUX_INGEST_MAX_ATTACHMENTS", 100, minimum=1),
        max_nesting_depth=env.integer("CONFLUX_INGEST_MAX_NESTING_DEPTH", 5, minimum=1),
        flood=load_flood_limits(env),
        smtp=load_smtp_settings(env, common, max_item),
        imap=load_imap_settings(env, common),
        drop_folders=load_drop_folder_settings(env),
    )
