"""Judging whether a PDF page's text layer is real text or must be replaced by OCR."""

from __future__ import annotations

import re
import unicodedata

MIN_PLAUSIBLE_TOKEN_SHARE = 0.6
"""Share of whitespace-separated tokens that must look like words or numbers."""
MAX_ODD_CHARACTER_SHARE = 0.05
"""Share of control, private-use or replacement characters above which the layer is garbage."""
MIN_WORDS_OVER_IMAGE = 5
"""Words a page carrying an image needs in its layer, so that a scan stamped with a page number
or a scanner's footer is still read by OCR."""

_WORD = re.compile(r"[^\W\d_]{2,}")
_NUMBER = re.compile(r"[\W_]*\d[\d\W_]*")
_ODD_CATEGORIES = frozenset({"Cc", "Co", "Cs", "Cn"})


def is_usable_text_layer(text: str, *, page_has_images: bool) -> bool:
    """Return True when `text`, extracted from a page's text layer, can stand for the page.

    The layer SHALL be rejected when it is empty, when too many of its characters are control,
    private-use or replacement characters (fonts without a Unicode map), when too few of its tokens
    look like words or numbers, or when the page carries an image and the layer has fewer than
    `MIN_WORDS_OVER_IMAGE` words.
    """
    tokens = text.split()
    if not tokens:
        return False
    characters = "".join(tokens)
    odd = sum(1 for character in characters if _is_odd(character))
    if odd / len(characters) > MAX_ODD_CHARACTER_SHARE:
        return False
    words = sum(1 for token in tokens if _is_word(token))
    numbers = sum(1 for token in tokens if _NUMBER.fullmatch(token))
    if (words + numbers) / len(tokens) < MIN_PLAUSIBLE_TOKEN_SHARE:
        return False
    return not (page_has_images and words < MIN_WORDS_OVER_IMAGE)


def _is_word(token: str) -> bool:
    """A token made mostly of letters, with a run of at least two (punctuation may cling to it)."""
    letters = sum(1 for character in token if character.isalpha())
    return letters * 2 >= len(token) and _WORD.search(token) is not None


def _is_odd(character: str) -> bool:
    return character == "\ufffd" or unicodedata.category(character) in _ODD_CATEGORIES
