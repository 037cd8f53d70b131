"""OCR of one page image, recovering pages that were scanned upside down or sideways."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ocr_svc import tesseract
from ocr_svc.deadline import Deadline
from ocr_svc.page_source import PageImage
from ocr_svc.tesseract import PageSegmentation, Recognition

# Tesseract's own orientation detection (--psm 1) refuses to turn a page upside down unless its
# margin is strong, which short texts never reach; a page read that poorly is checked again.
ORIENTATION_CHECK_BELOW = 0.65

_CLOCKWISE_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def ocr_page(page: PageImage, *, languages: str, deadline: Deadline) -> Recognition:
    """Recognise the text of `page`, upright whatever way it was scanned.

    When the first reading has words but a mean confidence below `ORIENTATION_CHECK_BELOW`,
    the page's orientation is detected; if it is not upright, the page is turned and read again,
    and the more confident reading is returned. Raises what `tesseract.recognise` raises.
    """
    first = tesseract.recognise(page.path, languages=languages, deadline=deadline, dpi=page.dpi)
    if first.word_count == 0 or first.confidence >= ORIENTATION_CHECK_BELOW:
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
