"""Words as names and addresses are compared: accents folded, lower case, positions kept.

A scanned letter writes "LEMAIRE", an email "Lemaire", a CRM "Lémaire": they compare equal once
folded. Tokens keep their place in the original text so that evidence can point at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """``text`` in lower case without accents or ligatures ("Lémaire" → "lemaire")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Word:
    """A word of a text: its folded form, where it starts and ends, and whether it was written
    with a capital (names and towns are)."""

    folded: str
    start: int
    end: int
    capitalised: bool


def words_of(text: str) -> list[Word]:
    """The words (letters and digits) of ``text`` in order, with their positions."""
    return [
        Word(fold(match.group()), match.start(), match.end(), match.group()[0].isupper())
        for match in _WORD.finditer(text)
    ]


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return _WORD.findall(fold(text))
