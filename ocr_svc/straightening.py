"""Straightening a page image before recognition: a large skew undone, a sideways page turned.

Tesseract copes with a slight skew and reads sideways text, but both cost it characters (see
bench/ocr_accuracy.py); a page turned upside down is left to the orientation check that follows
recognition (`page_ocr`), since it cannot be told from an upright one by its lines alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageStat

from ocr_svc import tesseract
from ocr_svc.deadline import Deadline
from ocr_svc.ocr_image import ocr_ready
from ocr_svc.page_source import PageImage
from ocr_svc.skew import MEASURE_SIDE_PIXELS, Skew, measure_skew

MIN_CORRECTED_SKEW_DEGREES = 1.0
"""Skews below this are left to tesseract, whose line finding copes with them: on the upright
tapuscorpus pages (skews of 0.5 to 0.8 degrees), undoing them cost characters, as resampling
blurs thin strokes; and turning a page costs a few hundred milliseconds at 400 dpi."""
_QUARTER_TURNS = frozenset({90, 270})


@dataclass(frozen=True)
class Straightened:
    """A page ready for recognition, and how it was turned to make it so."""

    page: PageImage
    skew_degrees: float
    """Anticlockwise skew corrected, in degrees; zero when none was."""
    quarter_turn: int = 0
    """Clockwise quarter turn applied to a sideways page (90 or 270), zero when none was."""


def straightened(page: PageImage, *, deadline: Deadline) -> Straightened:
    """Return `page` with its skew undone when it is at least `MIN_CORRECTED_SKEW_DEGREES`, and
    turned upright when its lines run down the page and tesseract's orientation detection says
    which way (a second opinion, since a quarter turn either way gives level lines).

    The corrected page is a grey TIFF written next to the original, with the same resolution. A
    page Pillow cannot decode is returned as it is: tesseract may still read it. Raises what
    `tesseract.detect_rotation` raises (only for a sideways page).
    """
    try:
        skew = _measured_skew(page)
    except Exception:
        # Pillow's decoders raise many exception types on input they cannot read.
        return Straightened(page, 0.0)
    turn = 0
    if skew.sideways:
        rotation = tesseract.detect_rotation(page.path, deadline=deadline)
        turn = rotation if rotation in _QUARTER_TURNS else 0
    corrected = skew.degrees if abs(skew.degrees) >= MIN_CORRECTED_SKEW_DEGREES else 0.0
    if not corrected and not turn:
        return Straightened(page, 0.0)
    path = page.path.with_name(f"{page.path.stem}-straight.tif")
    try:
        _write_turned(page, path, -corrected - turn)
    except Exception:
        # The same: an image Pillow opened but cannot decode in full.
        return Straightened(page, 0.0)
    return Straightened(PageImage(page.number, path, page.dpi), corrected, turn)


def _measured_skew(page: PageImage) -> Skew:
    with Image.open(page.path) as stored:
        factor = max(1, max(stored.size) // MEASURE_SIDE_PIXELS)
        # A JPEG is decoded straight at a reduced size, several times faster than in full.
        stored.draft("L", (stored.width // factor, stored.height // factor))
        return measure_skew(stored)


def _write_turned(page: PageImage, path: Path, anticlockwise_degrees: float) -> None:
    with Image.open(page.path) as stored:
        grey = ocr_ready(stored).convert("L")
    # The corners a turn uncovers take the colour of the paper (its commonest grey), not white;
    # quarter turns uncover none (Pillow transposes them exactly).
    paper = int(ImageStat.Stat(grey).median[0])
    grey.rotate(
        anticlockwise_degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=paper
    ).save(path, "TIFF")
