"""Identifiers found anywhere in a request: sender handle, subject, body, attachments' text.

Extraction is deliberately generous (every email address, every phone number ``phonenumbers``
recognises, every token that looks like a customer or contract number); matching against the
referential decides what counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

from identity_svc.identifiers import (
    DEFAULT_PHONE_REGION,
    IdentifierKind,
    InvalidIdentifierError,
    canonical,
    canonical_phone,
    reference_form,
)

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
    """An identifier found in a request: kind, canonical value, where, and as written."""

    kind: IdentifierKind
    value: str
    location: str
    raw: str
    start: int


@dataclass(frozen=True)
class RequestText:
    """A text of a request and where it comes from ("sender", "subject", "body", ...)."""

    location: str
    text: str


def extract_identifiers(
    texts: Iterable[RequestText], region: str = DEFAULT_PHONE_REGION
) -> list[FoundIdentifier]:
    """Every identifier in ``texts``, deduplicated by (kind, value, location), in text order."""
    found: list[FoundIdentifier] = []
    seen: set[tuple[IdentifierKind, str, str]] = set()

    def add(kind: IdentifierKind, value: str, part: RequestText, raw: str, start: int) -> None:
        key = (kind, value, part.location)
        if key not in seen:
            seen.add(key)
            found.append(FoundIdentifier(kind, value, part.location, raw, start))

    for part in texts:
        first_of_part = len(found)
        phone_spans: list[tuple[int, int]] = []
        for match in _EMAILS.finditer(part.text):
            add(IdentifierKind.EMAIL, match.group().lower(), part, match.group(), match.start())
        for phone in phonenumbers.PhoneNumberMatcher(part.text, region):
            phone_spans.append((phone.start, phone.end))
            value = phonenumbers.format_number(phone.number, phonenumbers.PhoneNumberFormat.E164)
            add(IdentifierKind.PHONE, value, part, phone.raw_string, phone.start)
        for match in _IBANS.finditer(part.text):
            try:
                value = canonical(IdentifierKind.IBAN, match.group())
            except InvalidIdentifierError:
                continue
            add(IdentifierKind.IBAN, value, part, match.group(), match.start())
        for match in _NUMBERS.finditer(part.text):
            if any(match.start() < end and start < match.end() for start, end in phone_spans):
                continue
            if _DATE.match(match["digits"]):
                continue
            # Whether it is a customer number, a contract number or another reference is the
            # referential's to say: each form is looked up under every number kind.
            for value in _reference_forms(match):
                add(IdentifierKind.REFERENCE, value, part, match.group(), match.start())
        found[first_of_part:] = sorted(found[first_of_part:], key=lambda f: f.start)
    return found


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
