"""The scanned image of a PDF page, taken out as it is stored instead of rendering the page.

Taking a scan out costs tens of milliseconds where rendering it costs hundreds. It is done only
for a page that draws exactly one image and nothing else, axis-aligned and not mirrored; any
other page (vector content, several images, an unsupported filter) is left to rendering.
"""

from __future__ import annotations

import math
from pathlib import Path, PurePath
from typing import Any

from pypdf import PageObject
from pypdf.generic import DictionaryObject, StreamObject

from ocr_svc.ocr_image import OCR_MODES, ocr_ready, plausible_dpi
from ocr_svc.page_source import PageImage
from ocr_svc.pixel_limit import MAX_PAGE_PIXELS

Matrix = tuple[float, float, float, float, float, float]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_POINTS_PER_INCH = 72
# Graphics-state operators and the drawing of an XObject: a page made only of these, drawing one
# image, is a bare scan.
_SCAN_OPERATORS = frozenset(
    {b"q", b"Q", b"cm", b"gs", b"w", b"J", b"j", b"M", b"d", b"ri", b"i", b"Do"}
)
# Encodings that scanners write and pypdf decodes faithfully; others (indexed colours, LZW,
# ASCII encodings, ...) are rendered by poppler rather than risk a wrong image.
_SCAN_FILTERS = frozenset({"/DCTDecode", "/CCITTFaxDecode", "/FlateDecode", "/JBIG2Decode"})
_SCAN_COLOUR_SPACES = frozenset({"/DeviceGray", "/DeviceRGB"})
_ICC_COMPONENTS = (1, 3)
_TESSERACT_READABLE = frozenset({".png", ".jpg", ".tif", ".tiff", ".jp2"})
_QUARTER_TURN = 90


def image_xobjects(page: PageObject) -> dict[str, StreamObject]:
    """Return the image XObjects in the page's resources, by resource name."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return {}
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return {}
    images: dict[str, StreamObject] = {}
    for name, reference in xobjects.items():
        stream = reference.get_object()
        if isinstance(stream, StreamObject) and stream.get("/Subtype") == "/Image":
            images[str(name)] = stream
    return images


def extract_scan_image(page: PageObject, number: int, work_dir: Path) -> PageImage | None:
    """Write the page's only image, upright, as a file under `work_dir` and return it.

    Returns None when the page is not one image drawn alone, axis-aligned and unmirrored, when
    the image is over `MAX_PAGE_PIXELS`, or when pypdf cannot decode it: the page SHALL then be
    rendered instead.
    """
    images = image_xobjects(page)
    placement = _sole_image_placement(page, images)
    if placement is None:
        return None
    name, (a, b, c, d, _, _) = placement
    if a * d - b * c <= 0 or not (_near_zero(b, c) or _near_zero(a, d)):
        return None
    xobject = images[name]
    width, height = xobject.get("/Width"), xobject.get("/Height")
    if not _is_plain_scan(xobject) or not isinstance(width, int) or not isinstance(height, int):
        return None
    if width <= 0 or height <= 0 or width * height > MAX_PAGE_PIXELS:
        return None
    try:
        stored = page.images[name]
    except Exception:
        # pypdf raises many exception types on filters and colour spaces it cannot decode;
        # the page is rendered instead.
        return None
    # The image's own axis is turned by the placement (anticlockwise) and the page's /Rotate
    # (clockwise) before it is seen.
    placement_turn = round(math.degrees(math.atan2(b, a)) / 90) * 90
    turn = (placement_turn - page.rotation) % 360
    if stored.image is None or turn % _QUARTER_TURN:
        return None
    suffix = PurePath(stored.name).suffix.lower()
    path = work_dir / f"page-{number:04d}"
    if turn == 0 and suffix in _TESSERACT_READABLE and stored.image.mode in OCR_MODES:
        path = path.with_suffix(suffix)
        path.write_bytes(stored.data)
    else:
        path = path.with_suffix(".tif")
        upright = stored.image.rotate(turn, expand=True) if turn else stored.image
        ocr_ready(upright).save(path, "TIFF")
    return PageImage(number, path, _dpi(width, math.hypot(a, b)))


def _sole_image_placement(
    page: PageObject, images: dict[str, StreamObject]
) -> tuple[str, Matrix] | None:
    """The name and transformation matrix of the one image the page draws, if it draws only that."""
    if len(images) != 1:
        return None
    try:
        contents = page.get_contents()
        operations = contents.operations if contents is not None else []
    except Exception:
        # A content stream pypdf cannot parse is left to poppler's more tolerant renderer.
        return None
    matrix = _IDENTITY
    saved: list[Matrix] = []
    placement: tuple[str, Matrix] | None = None
    for operands, operator in operations:
        if operator not in _SCAN_OPERATORS:
            return None
        if operator == b"q":
            saved.append(matrix)
        elif operator == b"Q" and saved:
            matrix = saved.pop()
        elif operator == b"cm":
            change = _matrix(operands)
            if change is None:
                return None
            matrix = _multiply(change, matrix)
        elif operator == b"Do":
            if placement is not None or not operands or str(operands[0]) not in images:
                return None
            placement = (str(operands[0]), matrix)
    return placement


def _matrix(operands: list[Any]) -> Matrix | None:
    if len(operands) != len(_IDENTITY):
        return None
    try:
        a, b, c, d, e, f = (float(value) for value in operands)
    except (TypeError, ValueError):
        return None
    return (a, b, c, d, e, f)


def _is_plain_scan(xobject: StreamObject) -> bool:
    """An image with one scanner encoding, grey or RGB, neither a stencil nor soft-masked."""
    filters = xobject.get("/Filter")
    if isinstance(filters, list):
        filters = filters[0] if len(filters) == 1 else None
    # Stencil masks (/ImageMask) paint with the fill colour: their pixels alone can mislead.
    if not isinstance(filters, str) or filters not in _SCAN_FILTERS or "/ImageMask" in xobject:
        return False
    if "/SMask" in xobject:
        return False
    colour_space = xobject.get("/ColorSpace")
    colour_space = colour_space.get_object() if colour_space is not None else None
    if isinstance(colour_space, str):
        return colour_space in _SCAN_COLOUR_SPACES
    # An ICC-based grey or RGB space, as many scanners write: [/ICCBased <<... /N 1 or 3>>].
    if isinstance(colour_space, list) and len(colour_space) == 2 and colour_space[0] == "/ICCBased":
        profile = colour_space[1].get_object()
        return isinstance(profile, StreamObject) and profile.get("/N") in _ICC_COMPONENTS
    return False


def _multiply(first: Matrix, second: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _near_zero(*values: float) -> bool:
    return all(abs(value) < 1e-6 for value in values)


def _dpi(width_pixels: int, width_points: float) -> int | None:
    if width_points <= 0:
        return None
    return plausible_dpi(width_pixels * _POINTS_PER_INCH / width_points)
