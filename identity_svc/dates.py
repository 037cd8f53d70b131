"""Dates written in French or English, and the one a party was born on.

A request carries many dates (of the letter, of a claim, of a payment); a date of birth is only
recognised as such by matching it against a candidate party, or by its context ("né le",
"date de naissance", "born on", "DOB"). Numeric dates are read day first (French and British);
when the day could be a month, the American month-first reading is kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from identity_svc.words import fold

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "fev": 2, "feb": 2, "mar": 3, "avr": 4, "apr": 4, "jun": 6, "juil": 7, "jul": 7,
    "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4}|\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH = re.compile(
    rf"(?<![a-z0-9])(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})(?!\d)"
)
_MONTH_DAY = re.compile(
    rf"(?<![a-z])({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)"
)
_BIRTH_CONTEXT = re.compile(r"\b(nee?s?|naissance|born|birth|dob|d\.o\.b|date of birth)\b")
_CONTEXT_CHARS = 25
_TWO_DIGIT_PIVOT = 30


class InvalidDateError(ValueError):
    """A value that is not a date; the message says why."""


@dataclass(frozen=True)
class FoundDate:
    """A date found in a text (ISO form), where, and whether its context says "birth"."""

    value: str
    start: int
    birth_context: bool


def find_dates(text: str) -> list[FoundDate]:
    """Every date written in ``text``, in text order (a numeric date that reads both ways
    appears twice)."""
    folded = fold(text)
    found: list[tuple[int, int, int, int]] = []
    for match in _ISO.finditer(folded):
        found.append((match.start(), int(match[1]), int(match[2]), int(match[3])))
    for match in _NUMERIC.finditer(folded):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        found.append((match.start(), year, second, first))
        if first <= 12 and second <= 31 and first != second:
            found.append((match.start(), year, first, second))
    for match in _DAY_MONTH.finditer(folded):
        found.append((match.start(), int(match[3]), MONTHS[match[2]], int(match[1])))
    for match in _MONTH_DAY.finditer(folded):
        found.append((match.start(), int(match[3]), MONTHS[match[1]], int(match[2])))
    dates = []
    for start, year, month, day in sorted(found):
        try:
            value = date(year, month, day).isoformat()
        except ValueError:
            continue
        context = folded[max(0, start - _CONTEXT_CHARS) : start]
        dates.append(FoundDate(value, start, bool(_BIRTH_CONTEXT.search(context))))
    return dates


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    value = int(text)
    return 2000 + value if value < _TWO_DIGIT_PIVOT else 1900 + value


def birth_date_form(text: str) -> str:
    """A date of birth as the CRM writes it (ISO, or day first), in ISO form; "" when empty.

    Raises ``InvalidDateError`` when it is not a date.
    """
    value = text.strip()
    if not value:
        return ""
    dates = find_dates(value)
    if not dates:
        raise InvalidDateError(f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    return dates[0].value
