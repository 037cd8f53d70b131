"""Where a request says who writes it: the words of the sender's name, wherever it is written.

Letters, emails and messages name their writer in a few conventional places, in French as in
English: after a title ("M. Jean DUPONT", "Mrs Bennett"), in a self-introduction ("Je soussignée
Martine Lemaire", "my name is", "c'est", "de la part de", "on behalf of"), in the lines after a
closing formula ("Cordialement,", "Kind regards,"), and above a postal address (the address
block of a letter). The words found there are the request's *declared name*: they drive the
fuzzy retrieval of candidates, and a candidate whose name is absent from a request that
declares one counts that as a disagreement. The display name of an email sender is one too.
"""

from __future__ import annotations

import re

from identity_svc.addresses import BRITISH_POSTCODE, COMPASS, STREET_TYPES
from identity_svc.names import JOINING_WORDS, LEGAL_FORMS, TITLES
from identity_svc.words import Word, fold, words_of

_CLOSING = re.compile(
    r"^(?:(?:bien|tres|tres bien|avec mes|mes|my|with|best|kind|warm|warmest)\s+)*"
    r"(?:cordialement|sinceres salutations|salutations distinguees|salutations|amicalement|"
    r"bien a vous|a bientot|merci d avance|merci|regards|wishes|sincerely|yours sincerely|"
    r"yours faithfully|yours truly|faithfully|thanks|thank you|cheers|respectfully|cdlt|bav|"
    r"veuillez agreer.*|je vous prie d agreer.*|dans l attente.*|in anticipation.*)\W*$"
)
_INTRODUCTION = re.compile(
    r"\b(?:soussigne|soussignee|je m appelle|mon nom est|my name is|c est|ici|je suis|"
    r"de la part de|au nom de|on behalf of|this is|i am)\b"
)
_POSTCODE_AND_TOWN = re.compile(r"(?:^|\s)\d{5}\s+[a-z]")
_STREET_LINE = re.compile(r"^\s*\d{1,5}\s*(?:[a-z]\b|bis\b|ter\b)?[\s,]*[a-z]")
_MAX_NAME_WORDS = 4
_MAX_NAME_LINE_WORDS = 6
_SIGNATURE_LINES = 2
_MAX_STREET_LINE_WORDS = 5


def declared_name_words(text: str) -> list[Word]:
    """The words of ``text`` that name its writer, in text order, without duplicates."""
    lines = _lines(text)
    picked: dict[int, Word] = {}
    for index, (offset, line) in enumerate(lines):
        words = words_of(line)
        folded = fold(line)
        for position, word in enumerate(words):
            if word.folded in TITLES and _is_title_before_name(line, words, position):
                _take_name(words[position + 1 :], offset, picked)
        for match in _INTRODUCTION.finditer(_spaced(folded)):
            following = [w for w in words if w.start >= match.end() - 1]
            _take_name([w for w in following if w.folded not in TITLES], offset, picked)
        if _CLOSING.match(_spaced(folded).strip()):
            for signature_offset, signature in _next_lines(lines, index, _SIGNATURE_LINES):
                _take_line(signature, signature_offset, picked)
        if _is_address_line(folded):
            previous = _previous_line(lines, index)
            if previous is not None and not _is_address_line(fold(previous[1])):
                _take_line(previous[1], previous[0], picked)
    return [picked[start] for start in sorted(picked)]


def _lines(text: str) -> list[tuple[int, str]]:
    lines = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            lines.append((offset, line.rstrip("\r\n")))
        offset += len(line)
    return lines


def _spaced(folded: str) -> str:
    """Apostrophes and hyphens as spaces ("c'est" → "c est"), so phrases match whole words."""
    return re.sub(r"['’\-]", " ", folded)


def _is_title_before_name(line: str, words: list[Word], position: int) -> bool:
    """A title followed, in the same phrase, by a capitalised word that is no title ("M. Jean
    Dupont", not "Madame, Monsieur")."""
    if position + 1 >= len(words):
        return False
    following = words[position + 1]
    between = line[words[position].end : following.start]
    return following.capitalised and following.folded not in TITLES and "," not in between


def _take_name(words: list[Word], offset: int, picked: dict[int, Word]) -> None:
    """The capitalised words at the start of ``words``, up to four."""
    for word in words[:_MAX_NAME_WORDS]:
        if not word.capitalised or word.folded.isdigit():
            break
        _pick(word, offset, picked)


def _take_line(line: str, offset: int, picked: dict[int, Word]) -> None:
    """A short line's capitalised words: a signature or the name line of an address block."""
    words = words_of(line)
    if len(words) > _MAX_NAME_LINE_WORDS or any(w.folded.isdigit() for w in words):
        return
    for word in words:
        if word.capitalised and word.folded not in TITLES:
            _pick(word, offset, picked)


def _pick(word: Word, offset: int, picked: dict[int, Word]) -> None:
    if word.folded in JOINING_WORDS or word.folded in LEGAL_FORMS or word.folded in TITLES:
        return
    if len(word.folded) < 2:
        return
    shifted = Word(word.folded, word.start + offset, word.end + offset, word.capitalised)
    picked.setdefault(shifted.start, shifted)


def _next_lines(lines: list[tuple[int, str]], index: int, count: int) -> list[tuple[int, str]]:
    return lines[index + 1 : index + 1 + count]


def _previous_line(lines: list[tuple[int, str]], index: int) -> tuple[int, str] | None:
    return lines[index - 1] if index > 0 else None


def _is_address_line(folded: str) -> bool:
    """A street line or a postcode and town."""
    return bool(
        _POSTCODE_AND_TOWN.search(folded) or BRITISH_POSTCODE.search(folded)
    ) or is_street_line(folded)


def is_street_line(folded: str) -> bool:
    """A line that is a house number and a street: "17 rue des Écoles", "221B Baker Street",
    "7638 N. Paulina" (short, starting with the number, with a street type or little else)."""
    if _STREET_LINE.match(folded) is None:
        return False
    words = re.findall(r"\w+", folded)
    has_type = any(w in STREET_TYPES and w not in COMPASS for w in words[:5])
    return has_type or len(words) <= _MAX_STREET_LINE_WORDS
