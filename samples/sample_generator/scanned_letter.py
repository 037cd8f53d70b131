"""A paper letter as the mail room's scanner delivers it: a grayscale image in a PDF, no text.

The page is typeset with a TrueType font when one is installed, given a pen signature, a
slightly grey background, dust specks and a small skew, then saved by Pillow as an image-only
PDF: whatever reads it must OCR it.
"""

import io
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from PIL import Image, ImageDraw, ImageFont

DPI = 200
PAGE_SIZE = (1654, 2339)  # A4 at DPI
_MARGIN_LEFT = 180
_MARGIN_RIGHT = 170
_RECIPIENT_X = 930
_PAPER = 246
_INK = 28
_FONT_DIRECTORY = Path("/usr/share/fonts")
_FONT_FILE_NAME = "DejaVuSans.ttf"
# The scanner's clock, written into the PDF instead of the time of generation.
SCAN_TIME = time.struct_time((2026, 11, 3, 8, 42, 0, 1, 307, 0))

Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Letter:
    """The text of a letter, block by block, in the order it is laid out on the page."""

    sender_lines: tuple[str, ...]
    recipient_lines: tuple[str, ...]
    place_and_date: str
    subject_lines: tuple[str, ...]
    salutation: str
    paragraphs: tuple[str, ...]
    closing: str
    signature_name: str


def _font(size: int) -> Font:
    """DejaVu Sans if the system has it (sharper OCR), else Pillow's built-in font."""
    candidates = sorted(_FONT_DIRECTORY.rglob(_FONT_FILE_NAME)) if _FONT_DIRECTORY.is_dir() else []
    if candidates:
        return ImageFont.truetype(str(candidates[0]), size)
    return ImageFont.load_default(size=size)


def _wrapped(text: str, font: Font, width: float) -> list[str]:
    """The text broken into lines no wider than width pixels."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _signature(draw: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random) -> None:
    """A pen scribble: a run of cursive loops shrinking to the right, then an underline."""
    points = []
    for step in range(240):
        t = step / 239
        phase = 2 * math.pi * 5.5 * t
        height = 38 * (1.4 - t)
        points.append(
            (
                x + 320 * t - 22 * math.sin(phase),
                y - height * math.cos(phase) + rng.uniform(-1.5, 1.5),
            )
        )
    draw.line(points, fill=_INK + 20, width=4, joint="curve")
    draw.line([(x - 10, y + 62), (x + 330, y + 50)], fill=_INK + 20, width=3)


def _add_scanner_noise(image: Image.Image, rng: random.Random) -> Image.Image:
    """Dust specks and a slight skew, as a flatbed scanner leaves them."""
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for _ in range(1800):
        x, y, size = rng.randrange(width - 2), rng.randrange(height - 2), rng.randrange(2)
        draw.rectangle((x, y, x + size, y + size), fill=rng.randrange(90, 200))
    return image.rotate(0.4, resample=Image.Resampling.BICUBIC, fillcolor=_PAPER)


def render_letter(letter: Letter, rng: random.Random) -> Image.Image:
    """Typeset the letter on an A4 grayscale page at DPI, as scanned."""
    image = Image.new("L", PAGE_SIZE, _PAPER)
    draw = ImageDraw.Draw(image)
    body_font = _font(31)
    leading = 44
    y = 200
    for line in letter.sender_lines:
        draw.text((_MARGIN_LEFT, y), line, font=body_font, fill=_INK)
        y += leading
    y = 430
    for line in (*letter.recipient_lines, "", letter.place_and_date):
        draw.text((_RECIPIENT_X, y), line, font=body_font, fill=_INK)
        y += leading
    y += 2 * leading
    for line in letter.subject_lines:
        draw.text((_MARGIN_LEFT, y), line, font=body_font, fill=_INK)
        y += leading
    y += leading
    text_width = PAGE_SIZE[0] - _MARGIN_LEFT - _MARGIN_RIGHT
    for paragraph in (letter.salutation, *letter.paragraphs, letter.closing):
        for line in _wrapped(paragraph, body_font, text_width):
            draw.text((_MARGIN_LEFT, y), line, font=body_font, fill=_INK)
            y += leading
        y += leading // 2
    _signature(draw, _RECIPIENT_X + 40, y + 60, rng)
    draw.text((_RECIPIENT_X + 40, y + 150), letter.signature_name, font=body_font, fill=_INK)
    return _add_scanner_noise(image, rng)


def image_only_pdf(image: Image.Image, title: str) -> bytes:
    """Save the page as a one-page PDF holding only the image (JPEG), dated SCAN_TIME."""
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="PDF",
        resolution=float(DPI),
        quality=75,
        title=title,
        creationDate=SCAN_TIME,
        modDate=SCAN_TIME,
    )
    return buffer.getvalue()
