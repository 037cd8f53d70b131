"""Scanner and fax drop folders watched by a running ingest service: complete files become items
on the feed and are moved to done/ only once stored; files being written wait; a file whose
storage fails stays and is taken once storage works; what is no document goes to triage."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from tests.support.documents import email_bytes, text_layer_pdf
from tests.support.outlook_files import TO, MsgAttachment, MsgMessage, msg_bytes
from tests.support.suite import RunningSuite, eventually, running_suite

POLL_SECONDS = 0.2
# Long enough for several polls: a file taken too early would have been taken by then.
SEVERAL_POLLS = 6 * POLL_SECONDS


@dataclass
class DropSuite:
    """Ingest watching ``scans`` (mail) and ``fax`` (fax), with its blob directory."""

    running: RunningSuite
    scans: Path
    fax: Path
    blobs: Path
    stub: pb_grpc.IngestServiceAsyncStub


@pytest.fixture(scope="module")
async def drop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DropSuite]:
    """The ingest service alone, polling two drop folders quickly."""
    root = tmp_path_factory.mktemp("drop")
    scans, fax, blobs = root / "scans", root / "fax", root / "blobs"
    scans.mkdir()
    fax.mkdir()
    async with running_suite(
        root / "data",
        only=["ingest"],
        extra_env={
            "CONFLUX_INGEST_DROP_FOLDERS": f"{scans}=mail,{fax}=fax",
            "CONFLUX_INGEST_DROP_POLL_SECONDS": str(POLL_SECONDS),
            "CONFLUX_INGEST_BLOB_DIR": str(blobs),
        },
    ) as running:
        yield DropSuite(running, scans, fax, blobs, pb_grpc.IngestServiceStub(running.channel))


async def _feed(stub: pb_grpc.IngestServiceAsyncStub) -> list[pb.Item]:
    items: list[pb.Item] = []
    token = ""
    while True:
        page = await stub.ListAcceptedItems(
            pb.ListAcceptedItemsRequest(page_size=100, page_token=token)
        )
        items.extend(page.items)
        if not page.items:
            return items
        token = page.next_page_token


async def _item_named(stub: pb_grpc.IngestServiceAsyncStub, file_name: str) -> pb.Item | None:
    return next((i for i in await _feed(stub) if i.raw.file_name == file_name), None)


async def _stored(stub: pb_grpc.IngestServiceAsyncStub, file_name: str) -> pb.Item:
    found: list[pb.Item] = []

    async def stored() -> bool:
        item = await _item_named(stub, file_name)
        if item is not None:
            found.append(item)
        return item is not None

    await eventually(stored, timeout=15)
    return found[0]


def _is_moved(path: Path) -> bool:
    return not path.exists() and (path.parent / "done" / path.name).exists()


async def _moved(path: Path) -> None:
    await eventually(lambda: asyncio.to_thread(_is_moved, path), timeout=15)


def _tiff(pages: int, shade: int) -> bytes:
    frames = [Image.new("L", (40, 30), (shade + page) % 256) for page in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


async def test_a_pdf_and_a_multi_page_tiff_become_items_then_move_to_done(
    drop: DropSuite,
) -> None:
    pdf = text_layer_pdf([["Lettre de résiliation", "Contrat CTR-20240871"]])
    tiff = _tiff(pages=3, shade=10)
    (drop.scans / "letter.pdf").write_bytes(pdf)
    (drop.fax / "fax-0001.tif").write_bytes(tiff)

    letter = await _stored(drop.stub, "letter.pdf")
    fax = await _stored(drop.stub, "fax-0001.tif")
    await _moved(drop.scans / "letter.pdf")
    await _moved(drop.fax / "fax-0001.tif")

    assert (letter.channel, letter.state) == (channel_pb2.CHANNEL_MAIL, pb.ITEM_STATE_ACCEPTED)
    assert [a.blob.media_type for a in letter.attachments] == ["application/pdf"]
    assert letter.raw.size_bytes == len(pdf)
    assert letter.metadata["drop_folder"] == str(drop.scans)
    assert (fax.channel, fax.state) == (channel_pb2.CHANNEL_FAX, pb.ITEM_STATE_ACCEPTED)
    assert [a.blob.media_type for a in fax.attachments] == ["image/tiff"]
    assert (drop.fax / "done" / "fax-0001.tif").read_bytes() == tiff


async def test_emails_and_outlook_messages_dropped_are_emails(drop: DropSuite) -> None:
    (drop.scans / "forwarded.eml").write_bytes(
        email_bytes(
            sender="Anne Martin <anne@example.com>",
            subject="Réclamation",
            body="Bonjour",
            message_id="<drop-eml@example.com>",
        )
    )
    (drop.scans / "client.msg").write_bytes(
        msg_bytes(
            MsgMessage(
                subject="Attestation",
                body="Merci de m'envoyer une attestation.",
                sender_name="Paul Durand",
                sender_address="paul@example.com",
                recipients=[("Service", "service@assureur.fr", TO)],
                message_id="<drop-msg@example.com>",
                attachments=[MsgAttachment("piece.pdf", text_layer_pdf([["Pièce"]]))],
            )
        )
    )

    eml = await _stored(drop.stub, "forwarded.eml")
    msg = await _stored(drop.stub, "client.msg")

    assert (eml.channel, eml.sender, eml.subject) == (
        channel_pb2.CHANNEL_EMAIL,
        "anne@example.com",
        "Réclamation",
    )
    assert (msg.channel, msg.sender, msg.subject) == (
        channel_pb2.CHANNEL_EMAIL,
        "paul@example.com",
        "Attestation",
    )
    assert msg.raw.media_type == "application/vnd.ms-outlook"
    assert [a.blob.file_name for a in msg.attachments] == ["piece.pdf"]
    await _moved(drop.scans / "client.msg")


async def test_sidecar_metadata_is_applied_and_moved_with_its_file(drop: DropSuite) -> None:
    scan = drop.scans / "scan-0042.pdf"
    sidecar = drop.scans / "scan-0042.pdf.meta.json"
    sidecar.write_text(
        json.dumps(
            {
                "channel": "fax",
                "sent_time": "2026-11-03T09:00:00+00:00",
                "metadata": {"batch": "B12", "operator": "mail room 2"},
            }
        )
    )
    scan.write_bytes(text_layer_pdf([["Demande d'attestation", "Batch B12"]]))

    item = await _stored(drop.stub, scan.name)
    await _moved(scan)

    assert item.channel == channel_pb2.CHANNEL_FAX
    assert item.sent_time.ToJsonString() == "2026-11-03T09:00:00Z"
    assert (item.metadata["batch"], item.metadata["operator"]) == ("B12", "mail room 2")
    assert not sidecar.exists()
    assert (drop.scans / "done" / sidecar.name).exists()


async def test_the_file_name_convention_gives_batch_and_time(drop: DropSuite) -> None:
    name = "B13__20261104T081500+0100__page-001.png"
    image = Image.new("L", (32, 32), 200)
    out = io.BytesIO()
    image.save(out, "PNG")
    (drop.scans / name).write_bytes(out.getvalue())

    item = await _stored(drop.stub, name)

    assert item.metadata["batch"] == "B13"
    assert item.sent_time.ToJsonString() == "2026-11-04T07:15:00Z"


async def test_a_file_being_written_is_taken_only_once_complete(drop: DropSuite) -> None:
    pdf = text_layer_pdf([["Courrier long", *(f"ligne {n}" for n in range(60))]])
    growing = drop.scans / "growing.pdf"
    renamed = drop.scans / "renamed.pdf.part"
    renamed.write_bytes(text_layer_pdf([["Écrit sous un nom provisoire"]]))
    step = len(pdf) // 12
    for start in range(0, len(pdf) - step, step):
        with growing.open("ab") as out:
            out.write(pdf[start : start + step])
        await asyncio.sleep(POLL_SECONDS / 2)

    assert await _item_named(drop.stub, "growing.pdf") is None
    assert await _item_named(drop.stub, renamed.name) is None
    with growing.open("ab") as out:
        out.write(pdf[growing.stat().st_size :])
    renamed.rename(drop.scans / "renamed.pdf")

    item = await _stored(drop.stub, "growing.pdf")
    await _stored(drop.stub, "renamed.pdf")
    assert (item.state, item.raw.size_bytes) == (pb.ITEM_STATE_ACCEPTED, len(pdf))


@contextmanager
def _blob_storage_broken(blobs: Path) -> Iterator[None]:
    """Blob writes fail for real (even as root): the folder they are written in is a file."""
    incoming = blobs / "incoming"
    aside = blobs / "incoming-aside"
    incoming.rename(aside)
    incoming.write_text("not a folder")
    try:
        yield
    finally:
        incoming.unlink()
        aside.rename(incoming)


async def test_a_file_whose_storage_fails_stays_and_is_taken_later(drop: DropSuite) -> None:
    scan = drop.scans / "during-outage.pdf"
    with _blob_storage_broken(drop.blobs):
        scan.write_bytes(text_layer_pdf([["Envoyé pendant la panne"]]))
        await asyncio.sleep(SEVERAL_POLLS)

        assert scan.exists()
        assert not (drop.scans / "done" / scan.name).exists()
        assert await _item_named(drop.stub, scan.name) is None

    item = await _stored(drop.stub, scan.name)
    await _moved(scan)
    assert item.state == pb.ITEM_STATE_ACCEPTED


async def test_what_is_no_document_is_stored_in_triage_then_moved(drop: DropSuite) -> None:
    garbage = drop.fax / "notes.txt"
    garbage.write_text("ceci n'est pas une télécopie")
    fake = drop.fax / "fake.pdf"
    fake.write_bytes(b"<html><body>erreur 404</body></html>")

    notes = await _stored(drop.stub, "notes.txt")
    fake_pdf = await _stored(drop.stub, "fake.pdf")
    await _moved(garbage)
    await _moved(fake)

    for item in (notes, fake_pdf):
        assert item.state == pb.ITEM_STATE_TRIAGE
        assert item.channel == channel_pb2.CHANNEL_FAX
        assert "not a PDF or an image" in item.triage_reason


async def test_a_name_already_in_done_gets_the_item_id(drop: DropSuite) -> None:
    first = text_layer_pdf([["Premier scan0001"]])
    second = text_layer_pdf([["Second scan0001"]])
    (drop.scans / "scan0001.pdf").write_bytes(first)
    await _moved(drop.scans / "scan0001.pdf")
    (drop.scans / "scan0001.pdf").write_bytes(second)

    def both_kept() -> bool:
        return len(list((drop.scans / "done").glob("scan0001*.pdf"))) == 2

    await eventually(lambda: asyncio.to_thread(both_kept), timeout=15)
    items = [i for i in await _feed(drop.stub) if i.raw.file_name == "scan0001.pdf"]
    second_item = next(i for i in items if i.raw.size_bytes == len(second))
    assert (drop.scans / "done" / f"scan0001.{second_item.item_id}.pdf").read_bytes() == second


async def test_files_are_deleted_after_storage_when_configured(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    async with running_suite(
        tmp_path / "data",
        only=["ingest"],
        extra_env={
            "CONFLUX_INGEST_DROP_FOLDERS": str(folder),
            "CONFLUX_INGEST_DROP_POLL_SECONDS": str(POLL_SECONDS),
            "CONFLUX_INGEST_DROP_AFTER": "delete",
        },
    ) as running:
        stub = pb_grpc.IngestServiceStub(running.channel)
        (folder / "to-delete.pdf").write_bytes(text_layer_pdf([["Supprimé après stockage"]]))

        item = await _stored(stub, "to-delete.pdf")

        def deleted() -> bool:
            return not (folder / "to-delete.pdf").exists()

        await eventually(lambda: asyncio.to_thread(deleted), timeout=15)
    assert item.channel == channel_pb2.CHANNEL_MAIL
    assert not (folder / "done").exists()
