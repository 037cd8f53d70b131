"""Settings of the scanner and fax drop folders (``CONFLUX_INGEST_DROP_*``).

``CONFLUX_INGEST_DROP_FOLDERS`` lists the folders and the channel of the documents dropped in
each: ``/srv/scans=mail,/srv/fax=fax`` (a folder without ``=channel`` is ``mail``). Empty (the
default), drop folders are off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from chassis.config import Environment
from chassis.vocabulary import DOCUMENT_CHANNELS, Channel

FOLDERS_VARIABLE = "CONFLUX_INGEST_DROP_FOLDERS"
_DEFAULT_POLL_SECONDS = 2.0
_SHORTEST_POLL_SECONDS = 0.1


class AfterStorage(StrEnum):
    """What becomes of a file once its item is stored."""

    MOVE = "move"
    """Moved into the folder's ``done/`` subfolder."""
    DELETE = "delete"


@dataclass(frozen=True)
class DropFolder:
    """A folder watched for files, and the channel of the documents dropped in it."""

    path: Path
    channel: Channel


@dataclass(frozen=True)
class DropFolderSettings:
    """The folders watched, how often, and what becomes of a stored file."""

    folders: tuple[DropFolder, ...]
    poll_seconds: float
    """Also how long a file must stay unchanged before it is taken."""
    after_storage: AfterStorage


def load_drop_folder_settings(env: Environment) -> DropFolderSettings | None:
    """Reads ``CONFLUX_INGEST_DROP_*`` (problems recorded in ``env``); None when no folder is
    configured. Each folder must exist and its channel be ``mail`` or ``fax``."""
    spec = env.text(FOLDERS_VARIABLE, "")
    if not spec:
        return None
    folders: list[DropFolder] = []
    for entry in (part.strip() for part in spec.split(",")):
        if not entry:
            continue
        location, separator, channel_name = entry.rpartition("=")
        if not separator:
            location, channel_name = entry, Channel.MAIL.value
        path = Path(location.strip())
        channel_name = channel_name.strip().lower()
        if channel_name not in {channel.value for channel in DOCUMENT_CHANNELS}:
            env.problem(f"{FOLDERS_VARIABLE}: {entry!r} must name the channel mail or fax")
        elif not path.is_dir():
            env.problem(f"{FOLDERS_VARIABLE}: {str(path)!r} is not an existing folder")
        elif any(folder.path == path for folder in folders):
            env.problem(f"{FOLDERS_VARIABLE}: {str(path)!r} is listed twice")
        else:
            folders.append(DropFolder(path, Channel(channel_name)))
    return DropFolderSettings(
        folders=tuple(folders),
        poll_seconds=env.number(
            "CONFLUX_INGEST_DROP_POLL_SECONDS",
            _DEFAULT_POLL_SECONDS,
            minimum=_SHORTEST_POLL_SECONDS,
        ),
        after_storage=AfterStorage(
            env.choice(
                "CONFLUX_INGEST_DROP_AFTER",
                AfterStorage.MOVE.value,
                tuple(choice.value for choice in AfterStorage),
            )
        ),
    )
