"""Image documents turned into upright page images."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from ocr_svc.deadline import Deadline
from ocr_svc.page_source import PageFailure, PageImage, PageSource, UnreadableDocumentError
from ocr_svc.raster_pages import RasterDocument


def _encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _grey(image: Image.Image, xy: tuple[int, int]) -> float:
    value = image.convert("L").getpixel(xy)
    assert isinstance(value, int | float)
    return value


def _pages(data: bytes, work_dir: Path) -> list[PageSource]:
    return list(RasterDocument(data).pages(work_dir, Deadline.after(30)))


def _only_image(data: bytes, work_dir: Path) -> PageImage:
    (page,) = _pages(data, work_dir)
    assert isinstance(page, PageImage)
    return page


def test_single_upright_png_is_handed_over_as_it_is(tmp_path: Path) -> None:
    data = _encoded(Image.new("L", (40, 20), 255), "PNG", dpi=(300, 300))

    page = _only_image(data, tmp_path)

    assert page.path.suffix == ".png"
    assert page.path.read_bytes() == data
    assert page.dpi == 300


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    upright = Image.new("RGB", (300, 100), "white")
    upright.paste((0, 0, 0), (0, 0, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored turned: show it turned 90° clockwise
    data = _encoded(upright.rotate(90, expand=True), "JPEG", exif=exif, quality=95)

    page = _only_image(data, tmp_path)

    with Image.open(page.path) as image:
        assert image.size == (300, 100)
        assert _grey(image, (10, 10)) < 50
        assert _grey(image, (290, 90)) > 200


def test_transparent_background_becomes_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 0, 5, 5))

    page = _only_image(_encoded(image, "PNG"), tmp_path)

    with Image.open(page.path) as written:
        assert written.mode == "RGB"
        assert written.getpixel((15, 15)) == (255, 255, 255)
        assert written.getpixel((2, 2)) == (0, 0, 0)


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    image = Image.new("I;16", (8, 8), 40000)

    page = _only_image(_encoded(image, "TIFF", compression="tiff_lzw"), tmp_path)

    with Image.open(page.path) as written:
        assert written.mode == "L"
        assert written.getpixel((0, 0)) == 40000 // 256


def test_every_tiff_frame_is_a_page(tmp_path: Path) -> None:
    frames = [Image.new("1", (16, 16), 1) for _ in range(3)]
    data = _encoded(
        frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="group4"
    )

    pages = _pages(data, tmp_path)

    assert [page.number for page in pages] == [1, 2, 3]
    assert all(isinstance(page, PageImage) for page in pages)


def test_damaged_frame_is_a_page_failure(tmp_path: Path) -> None:
    frames = [Image.new("L", (64, 64), 255), Image.new("L", (64, 64), 0)]
    data = _encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:])

    first, second = _pages(data[:-100], tmp_path)

    assert isinstance(first, PageImage)
    assert isinstance(second, PageFailure)
    assert second.reason.startswith("cannot decode image: ")


def test_not_an_image_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="not a readable image"):
        RasterDocument(b"\x89PNG\r\n\x1a\n but then nothing")
