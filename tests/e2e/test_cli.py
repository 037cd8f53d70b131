"""The ``conflux`` command as a user runs it against a running server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.documents import email_bytes, scanned_pdf, short_message_json, text_layer_pdf
from tests.support.processes import conflux_command, free_port, server_process

SAMPLES = Path(__file__).parents[2] / "samples"
FIELDS = {
    "request_id",
    "case_id",
    "channel",
    "source",
    "party_id",
    "identity_confidence",
    "category",
    "category_probability",
    "correlation",
    "state",
}


def _conflux(*arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        conflux_command(*arguments),
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "CONFLUX_ADDRESS": ""},
    )


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An email with a PDF attachment, a scanned letter and an SMS."""
    folder = tmp_path_factory.mktemp("inbox")
    (folder / "claim.eml").write_bytes(
        email_bytes(
            sender="Oliver Bennett <oliver.bennett@example.com>",
            subject="Claim CTR-20230914",
            body="Please find my claim form attached.",
            attachments=[
                (
                    "claim.pdf",
                    "application/pdf",
                    text_layer_pdf([["Claim form", "Policy CTR-20230914"]]),
                )
            ],
            message_id="<cli-test-1@example.com>",
        )
    )
    (folder / "letter.pdf").write_bytes(
        scanned_pdf(["Madame, Monsieur,", "je demande une attestation."])
    )
    (folder / "sms.json").write_bytes(
        short_message_json(
            channel="sms",
            sender="+33612345678",
            body="Bonjour, ma carte est bloquée.",
            sent_time="2026-11-10T08:00:00+00:00",
        )
    )
    (folder / "notes.txt").write_text("not an item")
    return folder


def test_submit_prints_one_json_line_per_item_and_is_idempotent(
    tmp_path: Path, inbox: Path
) -> None:
    with server_process(tmp_path / "data", free_port()) as server:
        trained = _conflux(
            "model", "train", str(SAMPLES / "training.jsonl"), "--address", server.address
        )
        assert trained.returncode == 0, trained.stderr
        assert json.loads(trained.stdout)["categories"]

        first = _conflux("submit", str(inbox), "--address", server.address)
        assert first.returncode == 0, first.stderr
        lines = [json.loads(line) for line in first.stdout.splitlines()]
        assert len(lines) == 3
        for line in lines:
            assert set(line) >= FIELDS, line
            assert line["state"] == "done"
            assert line["created"] is True
        assert {line["channel"] for line in lines} == {"email", "mail", "sms"}
        assert "skipped" in first.stderr and "notes.txt" in first.stderr

        again = _conflux("submit", str(inbox / "claim.eml"), "--address", server.address)
        repeated = json.loads(again.stdout)
        original = next(line for line in lines if line["channel"] == "email")
        assert repeated["request_id"] == original["request_id"]
        assert repeated["created"] is False
        assert repeated["case_id"] == original["case_id"]


def test_refused_items_are_reported_with_their_status(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.eml").write_bytes(b"")
    (bad / "fake.pdf").write_bytes(b"this is not a pdf")
    (bad / "incomplete.json").write_bytes(short_message_json(channel="sms", body="hello"))
    with server_process(tmp_path / "data", free_port()) as server:
        result = _conflux("submit", str(bad), "--address", server.address, "--no-wait")
    assert result.returncode == 1
    errors = {
        Path(line["path"]).name: line["error"]
        for line in map(json.loads, result.stdout.splitlines())
    }
    assert errors["empty.eml"]["reason"] == "EMPTY_CONTENT"
    assert errors["fake.pdf"]["reason"] == "NOT_A_DOCUMENT"
    assert errors["incomplete.json"]["violations"][0]["field"] == "message.sender"
    assert all(e["code"] == "INVALID_ARGUMENT" for e in errors.values())


def test_unreachable_server_is_a_clear_error(inbox: Path) -> None:
    result = _conflux("submit", str(inbox), "--address", f"127.0.0.1:{free_port()}", timeout=60)
    assert result.returncode == 3
    assert "no Conflux server answers at 127.0.0.1:" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [[], ["serve", "--only", "nothing"], ["submit"], ["parties"], ["model", "train"]],
)
def test_bad_arguments_exit_2_with_usage(arguments: list[str]) -> None:
    result = _conflux(*arguments, timeout=60)
    assert result.returncode == 2
    assert "usage: conflux" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [[], ["serve"], ["submit"], ["parties", "import"], ["model", "train"], ["migrate"], ["demo"]],
)
def test_every_command_has_help(arguments: list[str]) -> None:
    result = _conflux(*arguments, "--help", timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: conflux")
