"""Page images prepared for tesseract: a mode it reads as intended, on white paper."""

from __future__ import annotations

from PIL import Image

OCR_MODES = frozenset({"1", "L", "RGB"})
"""Pillow modes tesseract reads as they are."""
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})
_SIXTEEN_TO_EIGHT_BITS = 256
# Resolutions outside this range are placeholders written by software, not measurements.
_PLAUSIBLE_DPI = range(50, 2401)


def ocr_ready(image: Image.Image) -> Image.Image:
    """Return `image` as 1-bit, grey or RGB without transparency, converting only when needed.

    Transparent areas become white, 16-bit grey is scaled to 8 bits (not clipped), and any other
    mode (palette, CMYK, ...) becomes RGB.
    """
    if image.has_transparency_data:
        # Transparent pixels are often black underneath: lay the image on white paper instead.
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    if image.mode in OCR_MODES:
        return image
    if image.mode in _SIXTEEN_BIT_MODES:
        return image.convert("I").point(lambda value: value / _SIXTEEN_TO_EIGHT_BITS).convert("L")
    return image.convert("RGB")


def plausible_dpi(dpi: float) -> int | None:
    """Return `dpi` rounded when it is a believable scanning resolution, else None.

    Tesseract is better off estimating the resolution itself than trusting a placeholder.
    """
    rounded = round(dpi)
    return rounded if rounded in _PLAUSIBLE_DPI else None
