"""Skew of a scanned page: the small angle its text lines make with the horizontal.

Measured by projection profiles: the page's ink, turned by a candidate angle, is summed along
rows; when the angle undoes the skew, text lines fall on few rows and the gaps between them on
none, so the profile has the sharpest steps. Columns are scored too: a page scanned sideways is
measured as well, and known to be sideways. It works on a reduced copy of the page, in tens of
milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter
from scipy import ndimage

MAX_SKEW_DEGREES = 10.0
"""The largest skew looked for."""
MEASURE_SIDE_PIXELS = 1200
"""Pages are measured reduced by a whole factor to a longer side of at least this (and less than
twice it): small print stays several pixels high, and a page costs a few million pixels at most."""
MIN_INK_POINTS = 500
"""Ink pixels below which a page has too little text to measure."""
MIN_SHARPNESS_GAIN = 2.0
"""How much sharper the best profile must be than the median one for its angle to count: below
that, the page has no text lines to speak of (a picture, noise)."""

_COARSE_STEP = 0.5
_FINE_STEP = 0.05
_MAX_POINTS = 100_000
_NEIGHBOURHOOD_RADIUS = 15
_INK_DARKNESS = 0.8
# Longer than any stroke of a letter on the reduced copy, shorter than a page's edge.
_LONG_RUN = 80


@dataclass(frozen=True)
class Skew:
    """How the text lines of a page lie."""

    degrees: float
    """Anticlockwise angle of the lines, in degrees: turning the page clockwise by as much makes
    them straight. Zero when nothing could be measured."""
    sideways: bool
    """True when the lines run down the page (a page scanned a quarter turn off)."""


_LEVEL = Skew(0.0, sideways=False)


def measure_skew(image: Image.Image) -> Skew:
    """Return how the text lines on `image` lie, their angle looked for within plus or minus
    `MAX_SKEW_DEGREES` of the rows or of the columns.

    Returns a zero angle along the rows when the page has fewer than `MIN_INK_POINTS` ink
    pixels or when no angle makes the profile at least `MIN_SHARPNESS_GAIN` times sharper than
    most do.
    """
    points = _ink_points(image)
    if points.shape[1] < MIN_INK_POINTS:
        return _LEVEL
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + _COARSE_STEP / 2, _COARSE_STEP)
    sharpness = [max(_sharpness(points, float(angle))) for angle in coarse]
    # Text lines are sharp at one angle only; noise or pictures are about as sharp at any.
    if max(sharpness) < MIN_SHARPNESS_GAIN * float(np.median(sharpness)):
        return _LEVEL
    best = float(coarse[int(np.argmax(sharpness))])
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + _FINE_STEP / 2, _FINE_STEP)
    best = float(max(fine, key=lambda angle: max(_sharpness(points, float(angle)))))
    rows, columns = _sharpness(points, best)
    # The turn that straightens the points is the opposite of their skew (adding 0.0 avoids -0.0).
    return Skew(round(-best, 2) + 0.0, sideways=columns > rows)


def _ink_points(image: Image.Image) -> npt.NDArray[np.float64]:
    """Coordinates (x, y) of the dark pixels of a reduced grey copy, centred on the page.

    A pixel is ink when it is darker than its neighbourhood, not than a global level: tinted
    paper on a white scanner bed, or a shadow at the page's edge, would otherwise be all ink.
    """
    grey = image.convert("L")
    factor = max(1, max(grey.size) // MEASURE_SIDE_PIXELS)
    if factor > 1:
        grey = grey.reduce(factor)
    pixels = np.asarray(grey, dtype=np.float64)
    background = np.asarray(grey.filter(ImageFilter.BoxBlur(_NEIGHBOURHOOD_RADIUS)), np.float64)
    ink = pixels < background * _INK_DARKNESS
    # Long straight runs of ink are not text (a book's gutter, a scanner lid's shadow, a ruled
    # line) but would outweigh every text line in a profile, rows or columns.
    ink &= ~(_long_runs(ink, axis=0) | _long_runs(ink, axis=1))
    ys, xs = np.nonzero(ink)
    if xs.size > _MAX_POINTS:
        # A random sample keeps the profile's shape and bounds the cost of a dark page; a regular
        # one (every n-th pixel in raster order) would draw a pattern of its own. Seeded, so that
        # a page always gets the same answer.
        keep = np.random.default_rng(0).choice(xs.size, _MAX_POINTS, replace=False)
        xs, ys = xs[keep], ys[keep]
    height, width = pixels.shape
    return np.vstack([xs - width / 2, ys - height / 2]).astype(np.float64)


def _long_runs(ink: npt.NDArray[np.bool_], axis: int) -> npt.NDArray[np.bool_]:
    """The ink pixels that belong to a run of at least `_LONG_RUN` along `axis`: a morphological
    opening by a line, made of two running sums (much faster than a general opening)."""
    window = float(_LONG_RUN)
    share = ndimage.uniform_filter1d(ink.astype(np.float32), _LONG_RUN, axis=axis, mode="constant")
    # Centres of windows that are all ink (the sum is a float: allow for rounding)...
    full = share > 1.0 - 0.5 / window
    # ...and every pixel such a window covers.
    reach = ndimage.uniform_filter1d(full.astype(np.float32), _LONG_RUN, axis=axis, mode="constant")
    covered: npt.NDArray[np.bool_] = reach > 0.5 / window
    return covered & ink


def _sharpness(points: npt.NDArray[np.float64], degrees: float) -> tuple[float, float]:
    """How stepped the row and the column profiles of `points` turned by `degrees` are."""
    radians = np.deg2rad(degrees)
    cos, sin = np.cos(radians), np.sin(radians)
    xs, ys = points
    rows = ys * cos - xs * sin
    columns = xs * cos + ys * sin
    return _profile_steps(rows), _profile_steps(columns)


def _profile_steps(coordinates: npt.NDArray[np.float64]) -> float:
    profile = np.bincount(np.rint(coordinates - coordinates.min()).astype(np.intp))
    steps = np.diff(profile.astype(np.float64))
    return float(np.dot(steps, steps))
