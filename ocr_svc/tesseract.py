"""The tesseract command-line OCR engine: recognition to TSV, orientation detection, languages."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path

from ocr_svc.deadline import Deadline
from ocr_svc.external_tool import run_tool

TESSERACT = "tesseract"

# Tesseract's OpenMP threads oversubscribe a 2-core machine two to three times over; parallelism
# comes from the caller's worker pool instead.
_ENV = {"OMP_THREAD_LIMIT": "1"}

_LANGUAGES = re.compile(r"[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*")
_WORD_LEVEL = "5"
_TSV_COLUMNS = 12
_MAX_ERROR_CHARS = 300
_MISSING_LANGUAGE = b"Failed loading language"
_ROTATE_LINE = re.compile(rb"^Rotate:\s*(\d+)\s*$", re.MULTILINE)


class TesseractError(Exception):
    """Raised when tesseract exits with an error for this image (unreadable image, bad language)."""


class LanguageNotInstalledError(ValueError):
    """Raised when a requested language has no trained data installed: a caller's error."""


class PageSegmentation(enum.IntEnum):
    """Tesseract page segmentation modes (`--psm`) used here."""

    WITH_ORIENTATION = 1
    """Automatic segmentation with orientation and script detection."""
    AUTOMATIC = 3
    """Automatic segmentation, the page taken as upright."""


class Thresholding(enum.IntEnum):
    """How tesseract tells ink from paper (its `thresholding_method`)."""

    GLOBAL = 0
    """One threshold for the whole page (Otsu): the best on evenly lit pages."""
    LOCAL = 2
    """A threshold per neighbourhood (Sauvola): for uneven backgrounds, such as tinted paper next
    to the corners that straightening a page uncovers."""


@dataclass(frozen=True)
class Recognition:
    """Text recognised on one image, lines rebuilt in reading order."""

    text: str
    confidence: float
    """Mean word confidence in 0..1; 0 when no word was recognised."""
    word_count: int


def validate_languages(languages: str) -> str:
    """Return `languages` when it is a `+`-joined list of tesseract language codes.

    Raises `ValueError` otherwise, so that a malformed setting never reaches the command line.
    """
    if not _LANGUAGES.fullmatch(languages):
        raise ValueError(f"invalid tesseract language list: {languages!r} (expected e.g. fra+eng)")
    return languages


def recognise(
    image: Path,
    *,
    languages: str,
    deadline: Deadline,
    dpi: int | None = None,
    segmentation: PageSegmentation = PageSegmentation.WITH_ORIENTATION,
    thresholding: Thresholding = Thresholding.GLOBAL,
) -> Recognition:
    """Recognise the text of the image file `image` with tesseract's TSV output.

    `image` SHALL be a file already known to be an image: tesseract reads any other text file as
    a list of image paths to open.

    Raises `TesseractError` when tesseract rejects the image, `LanguageNotInstalledError` when a
    language is not installed, `DeadlineExceededError` when it runs past the deadline, and
    `ToolMissingError` when tesseract itself is not installed.
    """
    args = [TESSERACT, str(image), "stdout", "-l", validate_languages(languages)]
    args += ["--psm", str(int(segmentation))]
    if dpi is not None:
        args += ["--dpi", str(dpi)]
    if thresholding is not Thresholding.GLOBAL:
        args += ["-c", f"thresholding_method={int(thresholding)}"]
    args.append("tsv")
    completed = run_tool(args, deadline, extra_env=_ENV)
    if completed.returncode != 0:
        complaint = _error_text(completed.stderr) or f"exit code {completed.returncode}"
        if _MISSING_LANGUAGE in completed.stderr:
            raise LanguageNotInstalledError(f"tesseract language not installed: {complaint}")
        raise TesseractError(complaint)
    return parse_tsv(completed.stdout.decode("utf-8", errors="replace"))


def detect_rotation(image: Path, *, deadline: Deadline) -> int:
    """Return the clockwise rotation in degrees (0, 90, 180, 270) that makes `image` upright.

    Returns 0 when tesseract's orientation detection finds too little text to decide.
    """
    completed = run_tool([TESSERACT, str(image), "stdout", "--psm", "0"], deadline, extra_env=_ENV)
    match = _ROTATE_LINE.search(completed.stdout)
    if completed.returncode != 0 or match is None:
        return 0
    return int(match.group(1)) % 360


def available_languages(deadline: Deadline) -> frozenset[str]:
    """Return the language codes installed for tesseract (for validating configuration)."""
    completed = run_tool([TESSERACT, "--list-langs"], deadline, extra_env=_ENV)
    if completed.returncode != 0:
        raise TesseractError(_error_text(completed.stderr) or "cannot list languages")
    lines = completed.stdout.decode("utf-8", errors="replace").splitlines()
    # The first line is a header naming the tessdata folder.
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def parse_tsv(tsv: str) -> Recognition:
    """Rebuild text and mean word confidence from tesseract's TSV output.

    Words of one line are joined by spaces, lines by a newline, and paragraphs or blocks are
    separated by an empty line. Words with a negative confidence are not counted.
    """
    parts: list[str] = []
    confidences: list[float] = []
    previous: tuple[str, str, str, str] | None = None
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < _TSV_COLUMNS or fields[0] != _WORD_LEVEL:
            continue
        word = fields[11].strip()
        if not word:
            continue
        page, block, paragraph, line = fields[1], fields[2], fields[3], fields[4]
        if previous is not None:
            if (page, block, paragraph) != previous[:3]:
                parts.append("\n\n")
            elif line != previous[3]:
                parts.append("\n")
            else:
                parts.append(" ")
        parts.append(word)
        previous = (page, block, paragraph, line)
        confidence = float(fields[10])
        if confidence >= 0:
            confidences.append(confidence / 100)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Recognition(text="".join(parts), confidence=mean, word_count=len(confidences))


def _error_text(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines()]
    return "; ".join(line for line in lines if line)[:_MAX_ERROR_CHARS]
