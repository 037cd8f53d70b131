"""Undoing the digit confusions of OCR: "O6 12 3A 56 78", "CLI48291O", "l2345".

Tesseract reads a zero as the letter O, a one as l or I, a five as S, an eight as B. Inside a
run that is mostly digits, such letters are read back as the digits they stand for; a letter
run ("SOS", "Bob") or a run with too few digits is left alone. The repair keeps every character
in place (one for one), so positions in the repaired text are positions in the original.
"""

from __future__ import annotations

import re

CONFUSIONS = {
    "O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "|": "1", "i": "1",
    "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6",
}  # fmt: skip
_CONFUSABLE = "".join(re.escape(c) for c in CONFUSIONS)
_RUN = re.compile(rf"(?<![A-Za-z])[0-9{_CONFUSABLE}](?:[ .\-]?[0-9{_CONFUSABLE}])+(?![A-Za-z])")
_MIN_DIGITS = 4
_LETTERS_PER_DIGIT = 1 / 2
_TABLE = str.maketrans(CONFUSIONS)


def repair_digits(text: str) -> str:
    """``text`` with the letters OCR confuses with digits read back as digits, inside runs of
    at least four digits where such letters are at most one for two digits."""

    def repaired(match: re.Match[str]) -> str:
        run = match.group()
        digits = sum(c.isdigit() for c in run)
        letters = sum(c in CONFUSIONS for c in run)
        if digits < _MIN_DIGITS or letters == 0 or letters > digits * _LETTERS_PER_DIGIT:
            return run
        return run.translate(_TABLE)

    return _RUN.sub(repaired, text)
