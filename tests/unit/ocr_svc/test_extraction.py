"""End-to-end text extraction: PDFs, images and text formats, good and bad."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import EncodedStreamObject, NameObject, StreamObject

from ocr_svc.extraction import Extraction, Method, Status, extract_text
from tests.unit.ocr_svc.fax_pdfs import ccitt_pdf, jbig2_pdf

TextImage = Callable[[Sequence[str]], Image.Image]
Factory = Callable[..., bytes]


def _words(extraction: Extraction, page: int = 0) -> str:
    return extraction.pages[page].text.lower()


def _image_bytes(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` grey pixels, with (almost) no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def _encrypted(document: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_text_layer_pdf_is_read_without_ocr(make_text_layer_pdf: Factory) -> None:
    document = make_text_layer_pdf([["Dear Sir, I wish to cancel my contract 4711."], ["Page two"]])

    # An uninstalled language makes any tesseract run fail: success proves none ran.
    extraction = extract_text(document, "application/pdf", languages="notinstalled")

    assert extraction.status is Status.COMPLETE
    assert [page.method for page in extraction.pages] == [Method.TEXT_LAYER, Method.TEXT_LAYER]
    assert "cancel my contract 4711" in _words(extraction, 0)
    assert extraction.pages[1].text.strip() == "Page two"
    assert extraction.pages[0].confidence == 1.0
    assert extraction.pages[0].language == ""
    assert extraction.detail == ""


@pytest.mark.tesseract
def test_image_only_pdf_is_ocred(text_image: TextImage, make_scanned_pdf: Factory) -> None:
    document = make_scanned_pdf(text_image(["Invoice number 4711", "Payment received"]))

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.COMPLETE
    (page,) = extraction.pages
    assert page.method is Method.OCR
    assert page.language == "fra+eng"
    assert "invoice" in page.text.lower()
    assert "4711" in page.text
    assert "payment" in page.text.lower()
    assert 0.6 < page.confidence <= 1.0


@pytest.mark.tesseract
def test_mixed_pdf_is_read_page_by_page(
    text_image: TextImage,
    make_text_layer_pdf: Factory,
    make_scanned_pdf: Factory,
    join_pdfs: Factory,
) -> None:
    document = join_pdfs(
        make_text_layer_pdf([["Typed letter about claim 9876"]]),
        make_scanned_pdf(text_image(["Scanned receipt 5150"])),
    )

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert [page.number for page in extraction.pages] == [1, 2]
    assert [page.method for page in extraction.pages] == [Method.TEXT_LAYER, Method.OCR]
    assert "claim 9876" in _words(extraction, 0)
    assert "receipt" in _words(extraction, 1)
    assert "5150" in _words(extraction, 1)


@pytest.mark.tesseract
def test_garbage_text_layer_over_a_scan_is_replaced_by_ocr(
    text_image: TextImage, make_text_layer_pdf: Factory, make_scanned_pdf: Factory
) -> None:
    scan = io.BytesIO(make_scanned_pdf(text_image(["Signed contract 2024"])))
    garbage = make_text_layer_pdf([["#$%& *+=@ ~^|{} <>?!"]], invisible=True)
    writer = PdfWriter(clone_from=PdfReader(scan))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(garbage)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)

    extraction = extract_text(buffer.getvalue(), "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert extraction.pages[0].method is Method.OCR
    assert "contract" in _words(extraction)
    assert "#$%&" not in extraction.pages[0].text


@pytest.mark.tesseract
@pytest.mark.parametrize(
    ("image_format", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")]
)
def test_single_images_are_ocred(text_image: TextImage, image_format: str, media_type: str) -> None:
    data = _image_bytes(text_image(["Customer number 31337"]), image_format)

    extraction = extract_text(data, media_type)

    assert extraction.status is Status.COMPLETE
    assert extraction.pages[0].method is Method.OCR
    assert "customer" in _words(extraction)
    assert "31337" in _words(extraction)


@pytest.mark.tesseract
def test_each_frame_of_a_fax_tiff_is_a_page(text_image: TextImage) -> None:
    first = text_image(["First page 1111"]).convert("1")
    second = text_image(["Second page 2222"]).convert("1")
    data = _image_bytes(first, "TIFF", save_all=True, append_images=[second], compression="group4")

    extraction = extract_text(data, "image/tiff")

    assert extraction.status is Status.COMPLETE
    assert [page.number for page in extraction.pages] == [1, 2]
    assert "1111" in _words(extraction, 0)
    assert "2222" in _words(extraction, 1)


@pytest.mark.tesseract
def test_upside_down_page_is_read_upright(text_image: TextImage) -> None:
    upside_down = text_image(["Please call me back", "about my electricity bill"]).rotate(180)

    extraction = extract_text(_image_bytes(upside_down, "PNG"), "image/png")

    assert extraction.status is Status.COMPLETE
    text = _words(extraction)
    assert "call me back" in text
    assert "electricity" in text


@pytest.mark.tesseract
def test_skewed_page_is_straightened_before_recognition(text_image: TextImage) -> None:
    lines = ["Please call me back", "about my electricity bill", "contract 4711, thank you"]
    skewed = text_image(lines).rotate(
        -4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
    )

    extraction = extract_text(_image_bytes(skewed, "PNG"), "image/png")

    (page,) = extraction.pages
    assert page.skew_degrees == pytest.approx(-4.0, abs=0.3)
    assert "electricity bill" in page.text.lower()
    assert "contract 4711" in page.text.lower()
    assert page.seconds > 0


@pytest.mark.tesseract
def test_tilted_tinted_sheet_on_a_white_scanner_bed_is_read(text_image: TextImage) -> None:
    sheet = text_image(["Avis de sinistre 8841", "Merci de me rappeler"]).point(
        lambda value: value * 150 // 255
    )
    scan = Image.new("L", (sheet.width * 2, sheet.height + 100), 255)
    scan.paste(sheet, (sheet.width, 50))
    tilted = scan.rotate(3, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)

    extraction = extract_text(_image_bytes(tilted, "PNG"), "image/png")

    (page,) = extraction.pages
    assert page.skew_degrees == pytest.approx(3.0, abs=0.3)
    assert "8841" in page.text


@pytest.mark.tesseract
def test_ccitt_fax_page_in_a_pdf_is_read(text_image: TextImage) -> None:
    document = ccitt_pdf(text_image(["Fax received 2024", "Contract 31337"]))

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert extraction.pages[0].method is Method.OCR
    assert "fax received 2024" in _words(extraction)
    assert "31337" in _words(extraction)


@pytest.mark.tesseract
def test_jbig2_page_in_a_pdf_is_read() -> None:
    # pypdf cannot decode JBIG2 here (no jbig2dec): the page is rendered by poppler instead.
    font = ImageFont.load_default(size=40)
    line = "FAX 2024 CONTRACT 31337"
    image = Image.new("L", (int(font.getlength(line)) + 40, 80), 255)
    ImageDraw.Draw(image).text((20, 60), line, font=font, fill=0, anchor="ls")
    baseline_row = 60

    extraction = extract_text(jbig2_pdf(image.crop((0, 0, image.width, baseline_row + 1))), "")

    assert extraction.status is Status.COMPLETE
    assert extraction.pages[0].method is Method.OCR
    assert "contract 31337" in _words(extraction)


@pytest.mark.tesseract
def test_sideways_page_is_read_upright(text_image: TextImage) -> None:
    sideways = text_image(["Please call me back", "about my electricity bill"]).rotate(
        90, expand=True
    )

    extraction = extract_text(_image_bytes(sideways, "PNG"), "image/png")

    assert "electricity" in _words(extraction)


def test_empty_document_is_unreadable() -> None:
    extraction = extract_text(b"", "application/pdf")

    assert extraction.status is Status.UNREADABLE
    assert extraction.detail == "empty document (0 bytes)"
    assert extraction.pages == ()


def test_garbage_named_pdf_is_unreadable() -> None:
    extraction = extract_text(b"\x00\x01garbage" * 100, "application/pdf")

    assert extraction.status is Status.UNREADABLE
    assert extraction.detail == "not a PDF: no %PDF- header"


def test_truncated_pdf_is_unreadable(make_text_layer_pdf: Factory) -> None:
    document = make_text_layer_pdf([["A letter that will be cut short"]])

    extraction = extract_text(document[: len(document) // 2], "application/pdf")

    assert extraction.status is Status.UNREADABLE
    assert extraction.detail.startswith("malformed PDF: ")


def test_pdf_with_a_damaged_cross_reference_table_is_repaired(
    make_text_layer_pdf: Factory,
) -> None:
    document = make_text_layer_pdf([["Lettre dont la table des objets est fausse"]])
    damaged = re.sub(rb"startxref\n\d+", b"startxref\n99999", document)

    extraction = extract_text(damaged, "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert "table des objets est fausse" in _words(extraction)


def test_pdf_encrypted_with_a_password_is_unreadable(make_text_layer_pdf: Factory) -> None:
    document = _encrypted(make_text_layer_pdf([["Secret"]]), user_password="s3cret")

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.UNREADABLE
    assert extraction.detail.startswith("encrypted")


def test_pdf_encrypted_with_the_empty_password_is_read(make_text_layer_pdf: Factory) -> None:
    document = _encrypted(make_text_layer_pdf([["Only printing is restricted"]]), user_password="")

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert "printing is restricted" in _words(extraction)


def test_zero_size_image_is_unreadable() -> None:
    extraction = extract_text(_png_header_only(0, 10), "image/png")

    assert extraction.status is Status.UNREADABLE
    assert "zero size" in extraction.detail


def test_decompression_bomb_is_unreadable() -> None:
    extraction = extract_text(_png_header_only(30_000, 30_000), "image/png")

    assert extraction.status is Status.UNREADABLE
    assert "decompression bomb" in extraction.detail


@pytest.mark.tesseract
def test_damaged_frame_leaves_a_partial_result(text_image: TextImage) -> None:
    first = text_image(["Intact page 1234"])
    second = text_image(["Damaged page"])
    data = _image_bytes(first, "TIFF", save_all=True, append_images=[second])

    # The second frame's pixels come last: cutting the end damages only that frame.
    extraction = extract_text(data[:-500], "image/tiff")

    assert extraction.status is Status.PARTIAL
    assert [page.number for page in extraction.pages] == [1]
    assert "1234" in _words(extraction)
    assert extraction.detail.startswith("page 2: cannot decode image: ")
    # A page that cannot be read is final: the same document would fail the same way again.
    assert not extraction.cut_short


def test_time_limit_stops_the_work_with_a_partial_result(make_text_layer_pdf: Factory) -> None:
    document = make_text_layer_pdf([["one"], ["two"]])

    extraction = extract_text(document, "application/pdf", time_limit_s=0)

    assert extraction.status is Status.PARTIAL
    assert extraction.pages == ()
    assert extraction.detail == "time limit of 0 s reached after 0 of 2 pages"
    assert extraction.cut_short


def test_five_hundred_page_pdf_is_read_whole(make_text_layer_pdf: Factory) -> None:
    document = make_text_layer_pdf([[f"Relevé de compte, page {n}"] for n in range(1, 501)])

    extraction = extract_text(document, "application/pdf")

    assert extraction.status is Status.COMPLETE
    assert [page.number for page in extraction.pages] == list(range(1, 501))
    assert "page 500" in extraction.pages[-1].text
    assert all(page.seconds > 0 for page in extraction.pages)


def test_five_hundred_page_pdf_over_the_time_limit_keeps_the_pages_read(
    make_text_layer_pdf: Factory,
) -> None:
    lines = [f"Opération {n} du relevé de compte, montant {n},00 euros" for n in range(30)]
    document = make_text_layer_pdf([lines] * 500)
    # A third of what the whole document takes on this machine, however fast it is.
    limit = extract_text(document, "application/pdf").seconds / 3

    extraction = extract_text(document, "application/pdf", time_limit_s=limit)

    assert extraction.status is Status.PARTIAL
    assert extraction.cut_short
    read = len(extraction.pages)
    assert 0 < read < 500
    assert [page.number for page in extraction.pages] == list(range(1, read + 1))
    assert extraction.detail == f"time limit of {limit:g} s reached after {read} of 500 pages"


def test_decompression_bomb_in_a_pdf_page_fails_that_page_only(
    make_text_layer_pdf: Factory,
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_text_layer_pdf([["Intact"], ["x"]]))))
    # 100 MB of spaces in half a megabyte: beyond what pypdf inflates (75 MB).
    compressor = zlib.compressobj(1)
    megabyte = b" " * 1_000_000
    compressed = b"".join(compressor.compress(megabyte) for _ in range(100)) + compressor.flush()
    bomb = EncodedStreamObject()
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    # Stored as they are: the encoded stream's own setter would inflate and deflate them again.
    StreamObject.set_data(bomb, compressed)
    writer.pages[1].replace_contents(bomb)
    buffer = io.BytesIO()
    writer.write(buffer)

    extraction = extract_text(buffer.getvalue(), "application/pdf")

    assert extraction.status is Status.PARTIAL
    assert [page.number for page in extraction.pages] == [1]
    assert extraction.detail.startswith("page 2: content too large (decompression bomb?)")


def test_unknown_media_type_is_unsupported() -> None:
    extraction = extract_text(b"PK\x03\x04 not really", "application/x-msdownload")

    assert extraction.status is Status.UNSUPPORTED
    assert extraction.detail == "unsupported media type: application/x-msdownload"


def test_octet_stream_is_detected_from_content(make_text_layer_pdf: Factory) -> None:
    document = make_text_layer_pdf([["Detected as a PDF"]])

    extraction = extract_text(document, "application/octet-stream")

    assert extraction.pages[0].method is Method.TEXT_LAYER


def test_plain_text_is_native_and_decoded_from_its_charset() -> None:
    extraction = extract_text("Réclamation reçue".encode("cp1252"), "text/plain; charset=cp1252")

    assert extraction.status is Status.COMPLETE
    (page,) = extraction.pages
    assert page.method is Method.NATIVE
    assert page.text == "Réclamation reçue"
    assert page.confidence == 1.0


def test_html_is_native_readable_text() -> None:
    html = b"<html><body><p>Hello <b>there</b></p><script>alert(1)</script><p>Bye</p></body></html>"

    extraction = extract_text(html, "text/html")

    assert extraction.pages[0].method is Method.NATIVE
    assert extraction.pages[0].text == "Hello there\n\nBye"


def test_malformed_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        extract_text(b"text", "text/plain", languages="fra; rm -rf /")


@pytest.mark.tesseract
def test_uninstalled_language_is_refused_not_blamed_on_the_document(
    text_image: TextImage,
) -> None:
    data = _image_bytes(text_image(["Hello"]), "PNG")

    with pytest.raises(ValueError, match="not installed"):
        extract_text(data, "image/png", languages="notinstalled")


@pytest.mark.tesseract
def test_temporary_files_are_removed(text_image: TextImage, tmp_path: Path) -> None:
    data = _image_bytes(text_image(["Tidy"]).rotate(90, expand=True), "PNG")

    extract_text(data, "image/png", work_dir=tmp_path)

    assert list(tmp_path.iterdir()) == []
