"""Character error rate of the OCR service against the plain tesseract CLI, on the same images.

Reads the pages of ``../shared/data/ocr`` (see ``bench/ocr_corpus.py``) and, for each, its copies
turned a quarter and a half turn and tilted by about 3 and 6 degrees (directions drawn from
``--seed``). Each copy is written once as a grey PNG and read, in the same run, by:

- the service's own extraction (``ocr_svc.extraction.extract_text``: skew measured and undone,
  orientation checked when the reading is poor);
- ``tesseract IMAGE stdout -l fra+eng``, the plain CLI (automatic segmentation, ``--psm 3``);
- ``tesseract IMAGE stdout -l fra+eng --psm 1 hocr``, the CLI with its orientation detection;
  the slopes of its text lines' baselines are also tesseract's own measure of the skew.

It prints, per copy, the CER pooled over pages (errors over reference characters) and the median
of the pages' CERs for each reader, with the service's ratio to each CLI; then, on the tilted
copies, how far each skew measure (the service's projection profiles, tesseract's baselines) is
from the tilt applied. All runs use one single-threaded tesseract per worker, ``--workers`` at
once (one per core by default).

Usage: .venv/bin/python bench/ocr_accuracy.py [--pages N] [--variants "upright,skewed 3"]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.ocr_corpus import (  # noqa: E402
    VARIANTS,
    CorpusPage,
    character_errors,
    corpus_pages,
    distorted,
    page_image,
)
from ocr_svc.extraction import extract_text  # noqa: E402
from ocr_svc.skew import measure_skew  # noqa: E402

LANGUAGES = "fra+eng"
READERS = ("service", "cli", "cli --psm 1")
_TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_XHTML = "{http://www.w3.org/1999/xhtml}"
_LINE_CLASSES = frozenset({"ocr_line", "ocr_textfloat", "ocr_header", "ocr_caption"})
_MIN_WORDS_FOR_SLOPE = 3
_MISSED_DEGREES = 1.0


@dataclass(frozen=True)
class CopyResult:
    """What each reader made of one copy of one page."""

    page: str
    variant: str
    turned_degrees: float
    reference_chars: int
    errors: dict[str, int]
    """Character errors per reader."""
    skew: dict[str, float | None]
    """Skew measured on the copy, per method (None when a method measured nothing)."""
    seconds: float


def read_copy(page: CorpusPage, variant: str, seed: int) -> CopyResult:
    """Make the copy `variant` of `page` and have every reader read it."""
    started = time.monotonic()
    rng = random.Random(f"{seed}/{page.name}/{variant}")
    image, turned = distorted(page_image(page), variant, rng)
    with tempfile.TemporaryDirectory(prefix="ocr-accuracy-") as directory:
        path = Path(directory) / "page.png"
        image.save(path, compress_level=1)
        extraction = extract_text(path.read_bytes(), "image/png", languages=LANGUAGES)
        texts = {
            "service": "\n".join(text.text for text in extraction.pages),
            "cli": _tesseract(path),
        }
        texts["cli --psm 1"], tesseract_skew = _tesseract_hocr(path)
    errors = {}
    length = 0
    for reader, text in texts.items():
        errors[reader], length = character_errors(text, page.reference)
    skew = {
        "projection profiles": measure_skew(image).degrees,
        "tesseract baselines": tesseract_skew,
    }
    return CopyResult(page.name, variant, turned, length, errors, skew, time.monotonic() - started)


def _tesseract(path: Path) -> str:
    completed = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", LANGUAGES],
        capture_output=True,
        env=_TESSERACT_ENV,
        check=True,
    )
    return completed.stdout.decode("utf-8", errors="replace")


def _tesseract_hocr(path: Path) -> tuple[str, float | None]:
    """The text of `tesseract --psm 1`, and the median skew of its lines' baselines."""
    completed = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", LANGUAGES, "--psm", "1", "hocr"],
        capture_output=True,
        env=_TESSERACT_ENV,
        check=True,
    )
    root = ElementTree.fromstring(completed.stdout)
    lines: list[str] = []
    slopes: list[float] = []
    for element in root.iter(f"{_XHTML}span"):
        if element.get("class") not in _LINE_CLASSES:
            continue
        words = [
            "".join(word.itertext()).strip()
            for word in element.iter(f"{_XHTML}span")
            if word.get("class") == "ocrx_word"
        ]
        lines.append(" ".join(word for word in words if word))
        title = element.get("title", "")
        if "baseline" in title and len(words) >= _MIN_WORDS_FOR_SLOPE:
            slopes.append(float(title.split("baseline")[1].split()[0].rstrip(";")))
    # Image rows grow downwards: a baseline sloping down to the right is turned clockwise.
    skew = -math.degrees(math.atan(statistics.median(slopes))) if slopes else None
    return "\n".join(lines), skew


def _subset(pages: list[CorpusPage], count: int) -> list[CorpusPage]:
    """`count` pages spread evenly over both sets (all of them for 0)."""
    if count <= 0 or count >= len(pages):
        return pages
    step = len(pages) / count
    return [pages[int(index * step)] for index in range(count)]


def report(results: list[CopyResult], variants: list[str]) -> None:
    """Prints the CER table and the skew measures' errors."""
    print(f"\n{'copy':<13}{'pages':>6}  " + "".join(f"{r:>22}" for r in READERS), end="")
    print(f"{'service/cli':>13}{'service/psm 1':>15}")
    for variant in variants:
        rows = [result for result in results if result.variant == variant]
        if not rows:
            continue
        pooled = {reader: _pooled(rows, reader) for reader in READERS}
        medians = {
            reader: statistics.median(r.errors[reader] / r.reference_chars for r in rows)
            for reader in READERS
        }
        cells = "".join(f"{f'{pooled[r]:.3f} (med {medians[r]:.3f})':>22}" for r in READERS)
        print(
            f"{variant:<13}{len(rows):>6}  {cells}"
            f"{_ratio(pooled['service'], pooled['cli']):>13}"
            f"{_ratio(pooled['service'], pooled['cli --psm 1']):>15}"
        )
    _report_skew(results)


def _pooled(rows: list[CopyResult], reader: str) -> float:
    return sum(r.errors[reader] for r in rows) / sum(r.reference_chars for r in rows)


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def _report_skew(results: list[CopyResult]) -> None:
    """Error of each skew measure on tilted copies: what it measures on the copy, less what it
    measures on the upright page (scans are rarely quite straight), against the tilt applied."""
    upright = {r.page: r.skew for r in results if r.variant == "upright"}
    errors: dict[str, list[float]] = defaultdict(list)
    unmeasured: dict[str, int] = defaultdict(int)
    for result in results:
        if not result.variant.startswith("skewed") or result.page not in upright:
            continue
        for method, measured in result.skew.items():
            base = upright[result.page][method]
            if measured is None or base is None:
                unmeasured[method] += 1
                continue
            errors[method].append(abs(measured - base - result.turned_degrees))
    if not errors:
        return
    print("\nskew measured on the tilted copies (degrees off the tilt applied)")
    for method, values in errors.items():
        missed = sum(1 for value in values if value > _MISSED_DEGREES)
        print(
            f"  {method:<22} median {statistics.median(values):.2f}  "
            f"max {max(values):.2f}  off by more than {_MISSED_DEGREES:g}: {missed}/"
            f"{len(values) + unmeasured[method]}  (no measure: {unmeasured[method]})"
        )


def main() -> None:
    """Reads the copies in parallel and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=0, help="pages to read (0: all)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    arguments = parser.parse_args()
    pages = _subset(corpus_pages(), arguments.pages)
    variants = [variant.strip() for variant in arguments.variants.split(",")]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    print(f"{len(pages)} pages x {len(variants)} copies, {arguments.workers} workers")
    jobs = [(page, variant) for page in pages for variant in variants]
    started = time.monotonic()
    results: list[CopyResult] = []
    with ProcessPoolExecutor(arguments.workers) as pool:
        futures = [pool.submit(read_copy, page, variant, arguments.seed) for page, variant in jobs]
        for future in futures:
            result = future.result()
            results.append(result)
            cers = "  ".join(
                f"{reader} {result.errors[reader] / result.reference_chars:.3f}"
                for reader in READERS
            )
            print(f"  {result.page[-40:]:<40} {result.variant:<12} {cers}", flush=True)
    report(results, variants)
    print(f"\n{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
