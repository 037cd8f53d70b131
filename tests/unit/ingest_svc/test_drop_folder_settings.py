"""CONFLUX_INGEST_DROP_* read into settings, every problem named."""

from pathlib import Path

import pytest

from chassis.config import ConfigError, Environment
from chassis.vocabulary import Channel
from ingest_svc.drop_folder_settings import (
    AfterStorage,
    DropFolder,
    DropFolderSettings,
    load_drop_folder_settings,
)


def test_unset_means_off() -> None:
    assert load_drop_folder_settings(Environment({})) is None


def test_folders_with_their_channel_mail_by_default(tmp_path: Path) -> None:
    scans, fax = tmp_path / "scans", tmp_path / "fax"
    scans.mkdir()
    fax.mkdir()
    env = Environment(
        {
            "CONFLUX_INGEST_DROP_FOLDERS": f" {scans} , {fax}=fax ",
            "CONFLUX_INGEST_DROP_POLL_SECONDS": "0.5",
            "CONFLUX_INGEST_DROP_AFTER": "delete",
        }
    )

    settings = load_drop_folder_settings(env)
    env.check()

    assert settings == DropFolderSettings(
        folders=(DropFolder(scans, Channel.MAIL), DropFolder(fax, Channel.FAX)),
        poll_seconds=0.5,
        after_storage=AfterStorage.DELETE,
    )


def test_every_problem_is_named(tmp_path: Path) -> None:
    env = Environment(
        {
            "CONFLUX_INGEST_DROP_FOLDERS": (
                f"{tmp_path}=sms,{tmp_path / 'missing'}=fax,{tmp_path},{tmp_path}"
            ),
            "CONFLUX_INGEST_DROP_POLL_SECONDS": "0",
            "CONFLUX_INGEST_DROP_AFTER": "archive",
        }
    )

    load_drop_folder_settings(env)
    with pytest.raises(ConfigError) as error:
        env.check()

    message = str(error.value)
    assert "must name the channel mail or fax" in message
    assert f"{str(tmp_path / 'missing')!r} is not an existing folder" in message
    assert "is listed twice" in message
    assert "CONFLUX_INGEST_DROP_POLL_SECONDS=0.0 is below its minimum" in message
    assert "CONFLUX_INGEST_DROP_AFTER='archive' is not one of move, delete" in message
