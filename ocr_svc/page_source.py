"""What a document reader yields for each page before any OCR: text, an image, or a failure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class UnreadableDocumentError(Exception):
    """Raised when a whole document cannot be read; its message names the problem."""


@dataclass(frozen=True)
class LayerText:
    """A page whose own text (a PDF text layer) is usable as it is."""

    number: int
    text: str


@dataclass(frozen=True)
class PageImage:
    """A page that needs OCR, written as an image file tesseract can read."""

    number: int
    path: Path
    dpi: int | None
    """Resolution of the image when known, so that tesseract does not have to guess it."""


@dataclass(frozen=True)
class PageFailure:
    """A page that could not be turned into text or an image; `reason` names the problem."""

    number: int
    reason: str


PageSource = LayerText | PageImage | PageFailure
