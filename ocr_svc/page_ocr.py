"""OCR of one page image, recovering pages that were scanned skewed, upside down or sideways."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ocr_svc import tesseract
from ocr_svc.deadline import Deadline
from ocr_svc.page_source import PageImage
from ocr_svc.straightening import straightened
from ocr_svc.tesseract import PageSegmentation, Recognition, Thresholding

# Tesseract's own orientation detection (--psm 1) refuses to turn a page upside down unless its
# margin is strong, which short texts never reach; a page read that poorly is checked again.
ORIENTATION_CHECK_BELOW = 0.65

_CLOCKWISE_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class PageReading:
    """What was recognised on a page, and how the page was straightened first."""

    recognition: Recognition
    skew_degrees: float
    """Anticlockwise skew undone before recognition, in degrees (zero when none)."""


def ocr_page(page: PageImage, *, languages: str, deadline: Deadline) -> PageReading:
    """Recognise the text of `page`, straight and upright whatever way it was scanned.

    The page is straightened first (see `straightening`). When the first reading has words but a
    mean confidence below `ORIENTATION_CHECK_BELOW`, the page's orientation is detected; if it is
    not upright, the page is turned and read again, and the more confident reading is kept. A
    straightened page read that poorly (or with no word at all) is read again with local
    thresholds, and the more confident reading is kept. Raises what `tesseract.recognise` raises.
    """
    straight = straightened(page, deadline=deadline)
    recognition = _upright_recognition(straight.page, languages, deadline, Thresholding.GLOBAL)
    if straight.skew_degrees and _poor(recognition):
        # The corners a turn uncovers, next to tinted paper, can defeat one threshold for the
        # whole page (tesseract then sees no text at all): a threshold per neighbourhood copes.
        local = _upright_recognition(straight.page, languages, deadline, Thresholding.LOCAL)
        recognition = max(recognition, local, key=lambda reading: reading.confidence)
    return PageReading(recognition, straight.skew_degrees)


def _poor(recognition: Recognition) -> bool:
    return recognition.word_count == 0 or recognition.confidence < ORIENTATION_CHECK_BELOW


def _upright_recognition(
    page: PageImage, languages: str, deadline: Deadline, thresholding: Thresholding
) -> Recognition:
    first = tesseract.recognise(
        page.path, languages=languages, deadline=deadline, dpi=page.dpi, thresholding=thresholding
    )
    if not _poor(first) or first.word_count == 0:
        return first
    rotation = tesseract.detect_rotation(page.path, deadline=deadline)
    if rotation not in _CLOCKWISE_TRANSPOSE:
        return first
    turned = _write_turned(page.path, rotation)
    if turned is None:
        return first
    second = tesseract.recognise(
        turned,
        languages=languages,
        deadline=deadline,
        dpi=page.dpi,
        segmentation=PageSegmentation.AUTOMATIC,
        thresholding=thresholding,
    )
    return second if second.confidence > first.confidence else first


def _write_turned(path: Path, clockwise_degrees: int) -> Path | None:
    turned_path = path.with_name(f"{path.stem}-turned{clockwise_degrees}.tif")
    try:
        with Image.open(path) as image:
            image.transpose(_CLOCKWISE_TRANSPOSE[clockwise_degrees]).save(turned_path, "TIFF")
    except OSError:
        # An image tesseract can read but Pillow cannot (e.g. a codec Pillow lacks) stays as read.
        return None
    return turned_path
