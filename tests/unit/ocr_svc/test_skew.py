"""Skew measured from projection profiles, whichever way the page was tilted or turned."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from PIL import Image

from ocr_svc.skew import Skew, measure_skew

TextImage = Callable[[Sequence[str]], Image.Image]

LETTER = [
    "Madame, Monsieur,",
    "Suite au sinistre du 12 mars, je vous adresse",
    "les justificatifs de mes frais de relogement",
    "ainsi que la facture du plombier (contrat 4711).",
    "Je reste à votre disposition pour tout complément",
    "et vous prie d'agréer mes salutations distinguées.",
]
TOLERANCE_DEGREES = 0.3


def _tilted(image: Image.Image, degrees: float) -> Image.Image:
    """`image` turned anticlockwise by `degrees` on white paper, as a skewed scan looks."""
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


@pytest.mark.parametrize("degrees", [3.0, -3.0, 1.2, 7.5, -9.0])
def test_skew_of_a_tilted_page_is_measured(text_image: TextImage, degrees: float) -> None:
    skew = measure_skew(_tilted(text_image(LETTER), degrees))

    assert skew.degrees == pytest.approx(degrees, abs=TOLERANCE_DEGREES)
    assert not skew.sideways


def test_straight_page_has_no_skew(text_image: TextImage) -> None:
    assert measure_skew(text_image(LETTER)).degrees == pytest.approx(0.0, abs=TOLERANCE_DEGREES)


@pytest.mark.parametrize("quarter_turn", [90, 270])
def test_page_scanned_sideways_is_measured_and_known_to_be_sideways(
    text_image: TextImage, quarter_turn: int
) -> None:
    sideways = text_image(LETTER).rotate(quarter_turn, expand=True)

    skew = measure_skew(_tilted(sideways, -4.0))

    assert skew.degrees == pytest.approx(-4.0, abs=TOLERANCE_DEGREES)
    assert skew.sideways


def test_ink_is_found_on_tinted_paper_on_a_white_scanner_bed(text_image: TextImage) -> None:
    # A global threshold would take the whole grey sheet for ink and see only its edges.
    page = text_image(LETTER).point(lambda value: value * 190 // 255)
    scan = Image.new("L", (page.width + 200, page.height + 200), 255)
    scan.paste(page, (100, 100))

    assert measure_skew(_tilted(scan, 2.5)).degrees == pytest.approx(2.5, abs=TOLERANCE_DEGREES)


def test_dark_band_along_the_page_is_not_taken_for_text_lines(text_image: TextImage) -> None:
    # The gutter of a bound book, scanned as a dark band down the page: one long edge that
    # would outweigh every text line in the column profile.
    letter = text_image(LETTER)
    page = Image.new("L", (letter.width + 120, letter.height * 3), 255)
    page.paste(letter, (100, letter.height))
    page.paste(20, (0, 0, 60, page.height))

    skew = measure_skew(_tilted(page, 2.0))

    assert not skew.sideways
    assert skew.degrees == pytest.approx(2.0, abs=TOLERANCE_DEGREES)


@pytest.mark.parametrize(
    "page",
    [
        Image.new("L", (800, 1000), 255),
        Image.new("L", (800, 1000), 0),
        Image.effect_noise((800, 1000), 60),
    ],
    ids=["blank", "black", "noise"],
)
def test_page_without_text_lines_has_no_skew(page: Image.Image) -> None:
    assert measure_skew(page) == Skew(0.0, sideways=False)


def test_large_colour_scan_is_measured_on_a_reduced_copy(text_image: TextImage) -> None:
    page = _tilted(text_image(LETTER), -2.0).convert("RGB")
    large = page.resize((page.width * 4, page.height * 4), Image.Resampling.BILINEAR)

    assert measure_skew(large).degrees == pytest.approx(-2.0, abs=TOLERANCE_DEGREES)
