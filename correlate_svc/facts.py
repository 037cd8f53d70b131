"""The facts of a request that tell one demand from another of the same kind: the dates and
amounts it mentions, written in any of the usual French and English forms.

Two requests about a disputed invoice share most of their words whether they are about the same
invoice or not; they differ by the month, the amount, the day of the incident. Dates are read
as day and month (``15/03/2026``, ``15 mars``, ``March 15``, ``le 1er avril``), amounts as euros
and cents (``299,58 €``, ``€299.58``, ``299.58 EUR``, ``12 euros``). A fact is a string such as
``date:15/3`` or ``amount:299.58``, so that facts compare as sets. Each kind of fact also says
which kind of disagreement two requests can have (both give a date, and no date in common).
"""

from __future__ import annotations

import re

from correlate_svc.similarity import fold

_FRENCH_MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
                  "septembre", "octobre", "novembre", "decembre")  # fmt: skip
_ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")  # fmt: skip
_MONTHS = {
    name: number
    for names in (_FRENCH_MONTHS, _ENGLISH_MONTHS)
    for number, name in enumerate(names, start=1)
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](?:\d{4}|\d{2}))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_AMOUNT = re.compile(
    r"(?:€\s*(\d{1,7})(?:[.,](\d{2}))?"
    r"|\b(\d{1,7})(?:[.,](\d{2}))?\s*(?:€|eur\b|euros?\b))"
)


def facts_of(text: str) -> frozenset[str]:
    """The dates (``date:<day>/<month>``) and amounts (``amount:<euros>.<cents>``) in ``text``."""
    folded = fold(text)
    found: set[str] = set()
    for match in _NUMERIC_DATE.finditer(folded):
        _add_date(found, int(match[1]), int(match[2]))
    for match in _DAY_MONTH.finditer(folded):
        _add_date(found, int(match[1]), _MONTHS[match[2]])
    for match in _MONTH_DAY.finditer(folded):
        _add_date(found, int(match[2]), _MONTHS[match[1]])
    for match in _AMOUNT.finditer(folded):
        euros, cents = (match[1], match[2]) if match[1] is not None else (match[3], match[4])
        found.add(f"amount:{int(euros)}.{cents or '00'}")
    return frozenset(found)


def kind_of(fact: str) -> str:
    """``date`` or ``amount``: what a fact is about."""
    return fact.split(":", 1)[0]


def _add_date(found: set[str], day: int, month: int) -> None:
    if 1 <= day <= 31 and 1 <= month <= 12:
        found.add(f"date:{day}/{month}")
