"""Pages straightened before recognition: a skew worth undoing undone, a sideways page turned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image

from ocr_svc.deadline import Deadline
from ocr_svc.page_source import PageImage
from ocr_svc.skew import measure_skew
from ocr_svc.straightening import MIN_CORRECTED_SKEW_DEGREES, Straightened, straightened
from ocr_svc.tesseract import PageSegmentation, recognise

TextImage = Callable[[Sequence[str]], Image.Image]

LINES = [
    "Objet : résiliation du contrat 4711",
    "Je vous prie de bien vouloir résilier",
    "mon contrat à sa prochaine échéance.",
    "Veuillez agréer mes salutations.",
]
PAPER_GREY = 200


def _page_file(image: Image.Image, directory: Path) -> PageImage:
    path = directory / "page.png"
    image.save(path)
    return PageImage(7, path, 150)


def _tilted(image: Image.Image, degrees: float, paper: int = 255) -> Image.Image:
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)


def _straightened(page: PageImage) -> Straightened:
    return straightened(page, deadline=Deadline.after(30))


def test_skewed_page_is_turned_straight(text_image: TextImage, tmp_path: Path) -> None:
    page = _page_file(_tilted(text_image(LINES), 4.0), tmp_path)

    result = _straightened(page)

    assert result.skew_degrees == pytest.approx(4.0, abs=0.3)
    assert result.quarter_turn == 0
    assert result.page.path != page.path
    assert result.page.path.parent == tmp_path
    assert (result.page.number, result.page.dpi) == (7, 150)
    with Image.open(result.page.path) as corrected:
        assert corrected.mode == "L"
        assert abs(measure_skew(corrected).degrees) < 0.3


def test_uncovered_corners_take_the_colour_of_the_paper(
    text_image: TextImage, tmp_path: Path
) -> None:
    tinted = text_image(LINES).point(lambda value: value * PAPER_GREY // 255)
    page = _page_file(_tilted(tinted, -3.0, paper=PAPER_GREY), tmp_path)

    result = _straightened(page)

    assert result.skew_degrees == pytest.approx(-3.0, abs=0.3)
    with Image.open(result.page.path) as corrected:
        assert corrected.getpixel((0, 0)) == pytest.approx(PAPER_GREY, abs=2)


@pytest.mark.tesseract
@pytest.mark.parametrize("scanned_turn", [90, 270])
def test_sideways_page_is_turned_upright(
    text_image: TextImage, tmp_path: Path, scanned_turn: int
) -> None:
    upright = text_image(LINES)
    page = _page_file(_tilted(upright.rotate(scanned_turn, expand=True), 2.0), tmp_path)

    result = _straightened(page)

    assert result.quarter_turn == scanned_turn
    assert result.skew_degrees == pytest.approx(2.0, abs=0.3)
    with Image.open(result.page.path) as corrected:
        skew = measure_skew(corrected)
    assert not skew.sideways
    assert abs(skew.degrees) < 0.3
    # Upright, not upside down: read as it is, without orientation detection.
    reading = recognise(
        result.page.path,
        languages="fra",
        deadline=Deadline.after(30),
        segmentation=PageSegmentation.AUTOMATIC,
    )
    assert "contrat 4711" in reading.text


def test_small_skew_is_left_to_tesseract(text_image: TextImage, tmp_path: Path) -> None:
    page = _page_file(_tilted(text_image(LINES), MIN_CORRECTED_SKEW_DEGREES / 2), tmp_path)

    assert _straightened(page) == Straightened(page, 0.0)
    assert list(tmp_path.iterdir()) == [page.path]


def test_file_pillow_cannot_decode_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    page = PageImage(1, path, None)

    assert _straightened(page) == Straightened(page, 0.0)
