"""PDF pages turned into text-layer text, extracted scans or rendered images."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

from ocr_svc.deadline import Deadline
from ocr_svc.page_source import LayerText, PageImage, UnreadableDocumentError
from ocr_svc.pdf_pages import PdfDocument
from ocr_svc.pdf_scan_image import extract_scan_image

TextImage = Callable[[Sequence[str]], Image.Image]
Factory = Callable[..., bytes]

WIDTH, HEIGHT = 300, 200


def _marked_image() -> Image.Image:
    """A white page with a black square in its top-left corner."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    image.paste(0, (0, 0, 50, 50))
    return image


def _grey(image: Image.Image, xy: tuple[int, int]) -> float:
    value = image.convert("L").getpixel(xy)
    assert isinstance(value, int | float)
    return value


def _rewritten(document: bytes, *, content: bytes | None = None, rotate: int = 0) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    page = writer.pages[0]
    if content is not None:
        stream = ContentStream(None, writer)
        stream.set_data(content)
        page.replace_contents(stream)
    if rotate:
        page.rotate(rotate)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scan(document: bytes, work_dir: Path) -> PageImage | None:
    return extract_scan_image(PdfReader(io.BytesIO(document)).pages[0], 1, work_dir)


def _sources(document: bytes, work_dir: Path) -> list[object]:
    return list(PdfDocument(document).pages(work_dir, Deadline.after(60)))


def test_plain_scan_is_taken_out_as_stored(make_scanned_pdf: Factory, tmp_path: Path) -> None:
    scan = _scan(make_scanned_pdf(_marked_image(), dpi=150), tmp_path)

    assert scan is not None
    assert scan.path.suffix == ".jpg"
    assert scan.dpi == 150
    with Image.open(scan.path) as image:
        assert image.size == (WIDTH, HEIGHT)
        assert _grey(image, (10, 10)) < 64


@pytest.mark.parametrize(
    ("rotate", "size", "dark_corner"),
    [
        (180, (WIDTH, HEIGHT), (WIDTH - 10, HEIGHT - 10)),
        (90, (HEIGHT, WIDTH), (HEIGHT - 10, 10)),
        (270, (HEIGHT, WIDTH), (10, WIDTH - 10)),
    ],
)
def test_scan_of_a_rotated_page_is_written_as_seen(
    make_scanned_pdf: Factory,
    tmp_path: Path,
    rotate: int,
    size: tuple[int, int],
    dark_corner: tuple[int, int],
) -> None:
    document = _rewritten(make_scanned_pdf(_marked_image()), rotate=rotate)

    scan = _scan(document, tmp_path)

    assert scan is not None
    with Image.open(scan.path) as image:
        assert image.size == size
        assert _grey(image, dark_corner) < 64
        assert _grey(image, (size[0] // 2, size[1] // 2)) > 192


def test_mirrored_scan_is_left_to_rendering(make_scanned_pdf: Factory, tmp_path: Path) -> None:
    mirrored = b"q -144 0 0 96 144 0 cm /image Do Q"
    document = _rewritten(make_scanned_pdf(_marked_image()), content=mirrored)

    assert _scan(document, tmp_path) is None


def test_scan_with_drawing_around_it_is_left_to_rendering(
    make_scanned_pdf: Factory, tmp_path: Path
) -> None:
    drawn = b"q 144 0 0 96 0 0 cm /image Do Q 0 0 10 10 re f"
    document = _rewritten(make_scanned_pdf(_marked_image()), content=drawn)

    assert _scan(document, tmp_path) is None


def test_pages_come_as_layer_text_scan_or_rendering(
    text_image: TextImage,
    make_text_layer_pdf: Factory,
    make_scanned_pdf: Factory,
    join_pdfs: Factory,
    tmp_path: Path,
) -> None:
    garbage = make_text_layer_pdf([["#$%& *+=@ ~^|{}"]], invisible=True)
    scan_under_garbage = PdfWriter(
        clone_from=PdfReader(io.BytesIO(make_scanned_pdf(_marked_image())))
    )
    scan_under_garbage.pages[0].merge_page(PdfReader(io.BytesIO(garbage)).pages[0])
    buffer = io.BytesIO()
    scan_under_garbage.write(buffer)
    document = join_pdfs(
        make_text_layer_pdf([["A typed letter with enough words to be trusted"]]),
        make_scanned_pdf(text_image(["A scan"])),
        buffer.getvalue(),
    )

    text, scan, rendered = _sources(document, tmp_path)

    assert isinstance(text, LayerText)
    assert text.number == 1
    assert "typed letter" in text.text
    assert isinstance(scan, PageImage)
    assert scan.path.suffix == ".jpg"
    assert isinstance(rendered, PageImage)
    assert rendered.number == 3
    assert rendered.path.suffix == ".pgm"
    assert rendered.dpi == 300


def test_page_without_content_is_blank(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)

    assert _sources(buffer.getvalue(), tmp_path) == [LayerText(1, "")]


def test_pdf_without_pages_is_unreadable() -> None:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)

    with pytest.raises(UnreadableDocumentError, match="no pages"):
        PdfDocument(buffer.getvalue())
