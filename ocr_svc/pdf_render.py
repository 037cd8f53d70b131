"""Rendering one PDF page to a grey image with poppler's pdftoppm, for pages OCR must read."""

from __future__ import annotations

import math
from pathlib import Path

from ocr_svc.deadline import Deadline
from ocr_svc.external_tool import run_tool
from ocr_svc.page_source import PageImage
from ocr_svc.pixel_limit import MAX_PAGE_PIXELS

PDFTOPPM = "pdftoppm"
RENDER_DPI = 300
"""Tesseract reads best at about 300 dpi; larger pages are rendered at less (see `render_dpi`)."""
_POINTS_PER_INCH = 72
_MAX_ERROR_CHARS = 300


class RenderError(Exception):
    """Raised when pdftoppm cannot render the page; the message carries its complaint."""


def render_dpi(width_points: float, height_points: float) -> int:
    """Return the resolution for a page of this size: `RENDER_DPI`, lowered so that the image
    stays within `MAX_PAGE_PIXELS`."""
    square_inches = abs(width_points * height_points) / _POINTS_PER_INCH**2
    if square_inches == 0:
        return RENDER_DPI
    return max(1, min(RENDER_DPI, math.floor(math.sqrt(MAX_PAGE_PIXELS / square_inches))))


def render_page(
    pdf: Path, number: int, *, dpi: int, work_dir: Path, deadline: Deadline
) -> PageImage:
    """Render page `number` (from 1) of the PDF file `pdf` at `dpi` as a grey PGM in `work_dir`.

    Raises `RenderError`, `DeadlineExceededError`, or `ToolMissingError` when pdftoppm is not
    installed.
    """
    prefix = work_dir / f"render-{number:04d}"
    page = str(number)
    options = ["-r", str(dpi), "-f", page, "-l", page, "-gray", "-singlefile"]
    completed = run_tool([PDFTOPPM, *options, str(pdf), str(prefix)], deadline)
    image = prefix.with_suffix(".pgm")
    if completed.returncode != 0 or not image.exists():
        complaint = completed.stderr.decode("utf-8", errors="replace").strip()
        raise RenderError((complaint or f"exit code {completed.returncode}")[:_MAX_ERROR_CHARS])
    return PageImage(number, image, dpi)
