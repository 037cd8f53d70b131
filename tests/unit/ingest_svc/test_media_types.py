"""sniff_media_type and check_document on files made here with Pillow, zipfile and by hand."""

import io
import zipfile

import pytest
from PIL import Image

from ingest_svc.media_types import NotADocumentError, check_document, sniff_media_type


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (32, 32), 200).save(buffer, image_format)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _ole(stream_name: str) -> bytes:
    # The OLE signature, a header sector, then a directory entry naming a stream in UTF-16LE.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream_name.encode("utf-16-le")


@pytest.mark.parametrize(
    ("image_format", "media_type"),
    [
        ("PDF", "application/pdf"),
        ("TIFF", "image/tiff"),
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
    ],
)
def test_images_and_pdf_are_recognised_whatever_is_declared(
    image_format: str, media_type: str
) -> None:
    data = _image(image_format)

    assert sniff_media_type(data, "application/octet-stream", "scan.bin") == media_type


def test_big_endian_tiff_is_recognised() -> None:
    assert sniff_media_type(b"MM\x00*\x00\x00\x00\x08" + bytes(16)) == "image/tiff"


def test_pdf_header_after_leading_junk_is_recognised() -> None:
    assert sniff_media_type(b"\r\n" * 10 + b"%PDF-1.7\n") == "application/pdf"


@pytest.mark.parametrize(
    ("members", "media_type"),
    [
        (
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"},
            "application/vnd.oasis.opendocument.text",
        ),
        ({"notes.txt": b"hello"}, "application/zip"),
    ],
)
def test_zip_based_formats_are_told_apart_by_their_members(
    members: dict[str, bytes], media_type: str
) -> None:
    assert sniff_media_type(_zip(members), "application/zip") == media_type


def test_cut_zip_is_still_a_zip() -> None:
    data = _zip({"word/document.xml": b"<w/>" * 100})

    assert sniff_media_type(data[:40]) == "application/zip"


@pytest.mark.parametrize(
    ("stream_name", "media_type"),
    [
        ("__substg1.0_0037001F", "application/vnd.ms-outlook"),
        ("WordDocument", "application/msword"),
        ("Workbook", "application/vnd.ms-excel"),
        ("PowerPoint Document", "application/vnd.ms-powerpoint"),
    ],
)
def test_ole_files_are_told_apart_by_their_stream_names(stream_name: str, media_type: str) -> None:
    assert sniff_media_type(_ole(stream_name)) == media_type


def test_unknown_ole_file_falls_back_on_its_name_then_on_ole() -> None:
    assert sniff_media_type(_ole("Other"), file_name="vieux.xls") == "application/vnd.ms-excel"
    assert sniff_media_type(_ole("Other")) == "application/x-ole-storage"


def test_tnef_and_rtf_are_recognised() -> None:
    assert sniff_media_type(b"\x78\x9f\x3e\x22\x01\x00") == "application/ms-tnef"
    assert sniff_media_type(b"{\\rtf1\\ansi Bonjour}") == "application/rtf"


@pytest.mark.parametrize(
    ("data", "declared", "file_name", "media_type"),
    [
        (b"Received: from mx\r\nFrom: a@b.fr\r\n\r\nbody", "", "", "message/rfc822"),
        (b"From a@b.fr Mon Jan  1 10:00:00 2024\nSubject: x\n\nbody", "", "", "message/rfc822"),
        (b"  <!DOCTYPE html><html><body>x</body></html>", "text/plain", "", "text/html"),
        ("Déclaration de sinistre".encode("latin-1"), "", "", "text/plain"),
        (b"nom;montant\nDupont;12\n", "text/csv", "", "text/csv"),
        (b"nom;montant\nDupont;12\n", "", "export.csv", "text/csv"),
        (
            b"-----BEGIN PGP SIGNATURE-----\n",
            "application/pgp-signature",
            "",
            "application/pgp-signature",
        ),
        (b"<html><body>404 Not Found</body></html>", "application/pdf", "a.pdf", "text/html"),
        (b"Not a PDF at all", "application/pdf", "facture.pdf", "text/plain"),
        (b"Not a PNG", "image/png", "", "text/plain"),
    ],
)
def test_text_is_recognised_and_keeps_a_declared_textual_type(
    data: bytes, declared: str, file_name: str, media_type: str
) -> None:
    assert sniff_media_type(data, declared, file_name) == media_type


def test_unrecognised_binary_keeps_the_declared_type_then_the_name_then_octet_stream() -> None:
    data = b"\x00\x01\x02\x03 binary"

    assert sniff_media_type(data, "Audio/WAV; rate=8000") == "audio/wav"
    assert sniff_media_type(data, "application/octet-stream", "son.mp3") == "audio/mpeg"
    assert sniff_media_type(data, "not a type") == "application/octet-stream"
    assert sniff_media_type(b"") == "application/octet-stream"


@pytest.mark.parametrize(
    ("image_format", "media_type"),
    [
        ("PDF", "application/pdf"),
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("TIFF", "image/tiff"),
    ],
)
def test_scanned_documents_are_accepted_with_their_true_type(
    image_format: str, media_type: str
) -> None:
    assert check_document(_image(image_format), "image/png") == media_type


def test_empty_document_is_refused() -> None:
    with pytest.raises(NotADocumentError) as refused:
        check_document(b"", "application/pdf", file_name="scan.pdf")

    assert (
        refused.value.reason == "empty document (0 bytes) (declared as application/pdf, scan.pdf)"
    )


def test_file_named_pdf_that_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(NotADocumentError) as refused:
        check_document(b"<html><body>Session expired</body></html>", "application/pdf")

    assert refused.value.reason.startswith("content is text/html, not a PDF or an image")


def test_office_document_is_not_a_scanned_document() -> None:
    with pytest.raises(NotADocumentError, match=r"content is application/vnd\.openxml"):
        check_document(_zip({"word/document.xml": b"<w/>"}), "application/pdf")


def test_truncated_pdf_is_refused() -> None:
    pdf = _image("PDF")

    with pytest.raises(NotADocumentError) as refused:
        check_document(pdf[: len(pdf) // 2], "application/pdf")

    assert refused.value.reason.startswith("truncated PDF: no %%EOF")


def test_truncated_png_and_tiff_are_refused() -> None:
    png, tiff = _image("PNG"), _image("TIFF")

    with pytest.raises(NotADocumentError, match="truncated PNG"):
        check_document(png[:-20], "image/png")
    with pytest.raises(NotADocumentError, match="truncated TIFF"):
        check_document(tiff[:8], "image/tiff")
