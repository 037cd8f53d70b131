"""How large a page image may be, in pixels, wherever it comes from."""

from __future__ import annotations

from PIL import Image

MAX_PAGE_PIXELS = 100_000_000
"""Largest page image decoded or rendered (an A3 page scanned at 600 dpi is 70 million pixels)."""

# Pillow's process-wide guard protects every decode in this process (pypdf's included), not only
# those made here.
Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS

BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
"""What Pillow raises for an image over the limit: its error past twice the limit, its warning
above it when the process turns warnings into errors."""
