"""Identifier kinds and their canonical forms.

Every identifier is stored and compared in one canonical form, so that a phone written
"06 12 34 56 78" in a letter matches "+33612345678" in the referential, and a contract number
written "CTR-2024 0871" matches "CTR20240871".
"""

from __future__ import annotations

import re
from enum import StrEnum

import phonenumbers
from stdnum import iban

DEFAULT_PHONE_REGION = "FR"


class IdentifierKind(StrEnum):
    """What an identifier is."""

    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER_NUMBER = "customer_number"
    CONTRACT_NUMBER = "contract_number"
    IBAN = "iban"
    REFERENCE = "reference"


class InvalidIdentifierError(ValueError):
    """A value that cannot be an identifier of its kind; the message says why."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def canonical(kind: IdentifierKind, value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """The canonical form of ``value`` as a ``kind``; raises ``InvalidIdentifierError``."""
    text = value.strip()
    if kind is IdentifierKind.EMAIL:
        text = text.lower().removeprefix("mailto:")
        if not _EMAIL.match(text):
            raise InvalidIdentifierError(f"{value!r} is not an email address")
        return text
    if kind is IdentifierKind.PHONE:
        return canonical_phone(text, region)
    if kind is IdentifierKind.IBAN:
        compact = iban.compact(text)
        if not iban.is_valid(compact):
            raise InvalidIdentifierError(f"{value!r} is not a valid IBAN")
        return str(compact)
    compact = reference_form(text)
    if len(compact) < 4 or not any(c.isdigit() for c in compact):
        raise InvalidIdentifierError(f"{value!r} is too short or has no digit to be a number")
    return compact


def canonical_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone number in E.164, read as written in ``region`` when it has no country code."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentifierError(f"{text!r} is not a phone number: {error}") from error
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentifierError(f"{text!r} is not a possible phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def reference_form(text: str) -> str:
    """Upper-case letters and digits only: how customer and contract numbers are compared."""
    return _NOT_ALNUM.sub("", text.upper())
