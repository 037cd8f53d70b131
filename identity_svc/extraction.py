"""Identifiers found anywhere in a request: sender handle, subject, body, attachments' text.

Extraction is deliberately generous (every email address, every phone number ``phonenumbers``
recognises, every token that looks like a customer or contract number); matching against the
referential decides what counts. Identifiers that only appear once OCR's digit confusions are
undone ("O6 12 34 56 78") are found too, marked as repaired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import phonenumbers

from identity_svc.identifiers import (
    DEFAULT_PHONE_REGION,
    IdentifierKind,
    InvalidIdentifierError,
    canonical,
    canonical_phone,
    reference_form,
)
from identity_svc.ocr_repair import repair_digits

_EMAILS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A number-like token: optional letters, then digits possibly broken by spaces, dots or dashes
# ("CTR-2024 0871", "CLI482913", "n° 12 34 56"). At least 5 digits in all.
_NUMBERS = re.compile(
    r"\b(?:(?P<prefix>[A-Z]{1,5})(?P<separator>[\s\-./]?))?(?P<digits>\d(?:[\s\-./]?\d){4,24})\b",
    re.IGNORECASE,
)
# Dates are number-like but point at no business object: 12/11/2026, 2026-11-12, 12.11.26.
_DATE = re.compile(r"^\d{1,4}[\-./]\d{1,2}[\-./]\d{2,4}$")
_IBANS = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")


@dataclass(frozen=True)
class FoundIdentifier:
    """An identifier found in a request: kind, canonical value, where, as written, and whether
    it was only read after undoing OCR confusions."""

    kind: IdentifierKind
    value: str
    location: str
    raw: str
    start: int
    repaired: bool = False


@dataclass(frozen=True)
class RequestText:
    """A text of a request and where it comes from ("sender", "subject", "body", ...)."""

    location: str
    text: str


def extract_identifiers(
    texts: Iterable[RequestText], region: str = DEFAULT_PHONE_REGION
) -> list[FoundIdentifier]:
    """Every identifier in ``texts``, deduplicated by (kind, value, location), in text order;
    those found only in the OCR-repaired text come after, marked repaired."""
    found: list[FoundIdentifier] = []
    seen: set[tuple[IdentifierKind, str, str]] = set()
    for part in texts:
        first_of_part = len(found)
        for identifier in _identifiers_in(part.text, part.location, region):
            if (identifier.kind, identifier.value, identifier.location) not in seen:
                seen.add((identifier.kind, identifier.value, identifier.location))
                found.append(identifier)
        found[first_of_part:] = sorted(found[first_of_part:], key=lambda f: f.start)
        repaired = repair_digits(part.text)
        if repaired == part.text:
            continue
        for identifier in _identifiers_in(repaired, part.location, region):
            key = (identifier.kind, identifier.value, identifier.location)
            if key in seen:
                continue
            seen.add(key)
            end = identifier.start + len(identifier.raw)
            if identifier.kind is IdentifierKind.PHONE:
                # The unrepaired token under a repaired phone ("O612345678") is no reference.
                found[first_of_part:] = [
                    f
                    for f in found[first_of_part:]
                    if f.kind is not IdentifierKind.REFERENCE
                    or f.repaired
                    or not (f.start < end and identifier.start < f.start + len(f.raw))
                ]
            found.append(replace(identifier, raw=part.text[identifier.start : end], repaired=True))
    return found


def _identifiers_in(text: str, location: str, region: str) -> list[FoundIdentifier]:
    found: list[FoundIdentifier] = []
    phone_spans: list[tuple[int, int]] = []
    for match in _EMAILS.finditer(text):
        found.append(
            FoundIdentifier(
                IdentifierKind.EMAIL, match.group().lower(), location, match.group(), match.start()
            )
        )
    for phone in _phones(text, region):
        phone_spans.append((phone.start, phone.end))
        value = phonenumbers.format_number(phone.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(
            FoundIdentifier(IdentifierKind.PHONE, value, location, phone.raw_string, phone.start)
        )
    for match in _IBANS.finditer(text):
        try:
            value = canonical(IdentifierKind.IBAN, match.group())
        except InvalidIdentifierError:
            continue
        found.append(
            FoundIdentifier(IdentifierKind.IBAN, value, location, match.group(), match.start())
        )
    for match in _NUMBERS.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in phone_spans):
            continue
        if _DATE.match(match["digits"]):
            continue
        # Whether it is a customer number, a contract number or another reference is the
        # referential's to say: each form is looked up under every number kind.
        found.extend(
            FoundIdentifier(IdentifierKind.REFERENCE, value, location, match.group(), match.start())
            for value in _reference_forms(match)
        )
    return found


def _phones(text: str, region: str) -> list[phonenumbers.PhoneNumberMatch]:
    """Valid numbers, and possible ones written as phones are (with a national or international
    prefix): the referential accepts possible numbers, and numbers from ranges kept for fiction
    or newly opened are still numbers someone answers."""
    found = {m.start: m for m in phonenumbers.PhoneNumberMatcher(text, region)}
    lenient = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    for match in lenient:
        if match.raw_string[0] in "+0" and not any(
            match.start < m.end and m.start < match.end for m in found.values()
        ):
            found[match.start] = match
    return [found[start] for start in sorted(found)]


def _reference_forms(match: re.Match[str]) -> list[str]:
    """The canonical forms of a number-like token.

    Letters glued to the digits or joined by a dash belong to the number ("CTR-20240871"). Letters
    separated by a space may be part of it ("CTR 20240871") or a word before it ("ref 482913",
    "client 482913"): both forms are kept, and the referential says which exists.
    """
    digits = reference_form(match["digits"])
    prefix = match["prefix"]
    if not prefix:
        return [digits]
    joined = reference_form(prefix) + digits
    if match["separator"].isspace():
        return [joined, digits]
    return [joined]


def sender_identifier(sender: str, region: str = DEFAULT_PHONE_REGION) -> FoundIdentifier | None:
    """The sender handle as an identifier: an email address or a phone number, if it is one."""
    handle = sender.strip()
    if not handle:
        return None
    if "@" in handle:
        try:
            value = canonical(IdentifierKind.EMAIL, handle)
        except InvalidIdentifierError:
            return None
        return FoundIdentifier(IdentifierKind.EMAIL, value, "sender", handle, 0)
    try:
        value = canonical_phone(handle, region)
    except InvalidIdentifierError:
        return None
    return FoundIdentifier(IdentifierKind.PHONE, value, "sender", handle, 0)
