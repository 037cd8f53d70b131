"""The scanned pages the OCR benchmarks read, their reference texts, and distorted copies of them.

Pages come from ``../shared/data/ocr`` (read in place, never copied): the typewritten French pages
of ``tapuscorpus_fr`` with their ALTO line transcriptions, and the pages of ``tesseract_test``
that have a gold text. In tapuscorpus, ``~~~`` stands for a handwritten word: lines made only of
those are painted white on the image (neither engine is asked to read handwriting), and the
remaining ``~~~`` words are left out of the reference. The transcription marks ``_`` (underlined)
and ``^`` (superscript) are removed, as they are not characters of the page.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, ImageDraw
from rapidfuzz.distance import Levenshtein

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr"
TAPUSCORPUS = DATA / "tapuscorpus_fr"
TESSERACT_TEST = DATA / "tesseract_test"
# tesseract_test pages with a gold text (the others have none, or only zone files).
TESSERACT_GOLD = {
    "phototest.tif": "phototest.gold.txt",
    "eurotext.tif": "eurotext.txt",
    "8071_093.3B.tif": "8071_093.3B.txt",
    "8087_054.3B.tif": "8087_054.3B.txt",
}
HANDWRITTEN_WORD = "~~~"
MIN_REFERENCE_CHARS = 50
"""Pages with less typed text than this (handwritten letters) say nothing about a CER."""
VARIANTS = ("upright", "rotated 90", "rotated 180", "skewed 3", "skewed 6")
"""The copies of each page the accuracy benchmark reads: as scanned, turned a quarter and a half
turn, and tilted by about 3 and 6 degrees (the direction drawn from the seed)."""

_ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
_MARKS = re.compile(r"(?<!\S)_|\^")
_SPACE = re.compile(r"\s+")
_SKEW_JITTER = 0.5


@dataclass(frozen=True)
class CorpusPage:
    """One scanned page with what it says."""

    name: str
    image: Path
    reference: str
    """The text of the page, lines joined by newlines."""
    masked: tuple[tuple[tuple[float, float], ...], ...] = ()
    """Polygons (image pixels) of handwritten lines to paint white before reading."""


def corpus_pages() -> list[CorpusPage]:
    """Every page of both sets with at least `MIN_REFERENCE_CHARS` typed, in a stable order."""
    pages = [*_tapuscorpus_pages(), *_tesseract_test_pages()]
    return [page for page in pages if len(normalised(page.reference)) >= MIN_REFERENCE_CHARS]


def page_image(page: CorpusPage) -> Image.Image:
    """The page as a grey image, its handwritten lines painted white."""
    with Image.open(page.image) as stored:
        image = stored.convert("L")
    draw = ImageDraw.Draw(image)
    for polygon in page.masked:
        draw.polygon(polygon, fill=255)
    return image


def distorted(image: Image.Image, variant: str, rng: random.Random) -> tuple[Image.Image, float]:
    """A copy of `image` as `variant` (one of `VARIANTS`) describes, on white paper, and the
    anticlockwise angle it was turned by.

    Quarter turns are exact; a tilt of n degrees is n plus or minus a jitter, in a direction
    drawn from `rng`, so that a seeded generator gives the same copies every run.
    """
    kind, _, amount = variant.partition(" ")
    if kind == "upright":
        return image, 0.0
    if kind == "rotated":
        return image.rotate(-int(amount), expand=True), -float(amount)
    sign = rng.choice((-1, 1))
    angle = sign * (float(amount) + rng.uniform(-_SKEW_JITTER, _SKEW_JITTER))
    tilted = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return tilted, angle


def normalised(text: str) -> str:
    """`text` with every run of white space made one space, for comparison."""
    return _SPACE.sub(" ", text).strip()


def character_errors(hypothesis: str, reference: str) -> tuple[int, int]:
    """The edit distance from `hypothesis` to `reference`, and the reference's length, both with
    white space normalised: their ratio is the character error rate (CER)."""
    expected = normalised(reference)
    return Levenshtein.distance(normalised(hypothesis), expected), len(expected)


def _tapuscorpus_pages() -> Iterator[CorpusPage]:
    for alto in sorted(TAPUSCORPUS.glob("*/*.xml")):
        image = alto.with_suffix(".jpg")
        if not image.exists():
            continue
        lines: list[str] = []
        masked: list[tuple[tuple[float, float], ...]] = []
        for line in ElementTree.parse(alto).getroot().iter(f"{_ALTO}TextLine"):
            words = " ".join(
                string.get("CONTENT", "") for string in line.iter(f"{_ALTO}String")
            ).split()
            typed = [word for word in words if word != HANDWRITTEN_WORD]
            if typed:
                lines.append(_MARKS.sub("", " ".join(typed)))
            elif words:
                masked.append(_polygon(line))
        yield CorpusPage(
            f"tapuscorpus/{alto.parent.name[:24]}/{alto.stem}",
            image,
            "\n".join(lines),
            tuple(masked),
        )


def _tesseract_test_pages() -> Iterator[CorpusPage]:
    for image_name, gold_name in TESSERACT_GOLD.items():
        image = TESSERACT_TEST / image_name
        if image.exists():
            reference = (TESSERACT_TEST / gold_name).read_text(encoding="utf-8")
            yield CorpusPage(f"tesseract_test/{image.stem}", image, reference)


def _polygon(line: ElementTree.Element) -> tuple[tuple[float, float], ...]:
    shape = line.find(f"{_ALTO}Shape/{_ALTO}Polygon")
    if shape is not None:
        values = [float(value) for value in shape.get("POINTS", "").split()]
        return tuple(zip(values[::2], values[1::2], strict=True))
    x, y = float(line.get("HPOS", 0)), float(line.get("VPOS", 0))
    width, height = float(line.get("WIDTH", 0)), float(line.get("HEIGHT", 0))
    return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))
