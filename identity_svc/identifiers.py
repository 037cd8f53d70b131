"""Identifier kinds and their canonical forms.

Every identifier is stored and compared in one canonical form, so that a phone written
"06 12 34 56 78" in a letter matches "+33612345678" in the referential, and a contract number
written "CTR-2024 0871" matches "CTR20240871".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

import phonenumbers
from stdnum import damm, iban, luhn, verhoeff
from stdnum.iso7064 import mod_11_2, mod_97_10

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


class CheckDigits(StrEnum):
    """A check-digit scheme of a customer or contract number, computed on its digits."""

    NONE = "none"
    LUHN = "luhn"
    MOD97 = "mod97"
    """ISO 7064 mod 97-10, as IBANs and many French account keys."""
    MOD11 = "mod11"
    """ISO 7064 mod 11-2."""
    VERHOEFF = "verhoeff"
    DAMM = "damm"


_CHECKS = {
    CheckDigits.LUHN: luhn.is_valid,
    CheckDigits.MOD97: mod_97_10.is_valid,
    CheckDigits.MOD11: mod_11_2.is_valid,
    CheckDigits.VERHOEFF: verhoeff.is_valid,
    CheckDigits.DAMM: damm.is_valid,
}


@dataclass(frozen=True)
class NumberFormat:
    """The shape of a company's customer or contract numbers: a regular expression the whole
    canonical form must match (none: any), and the check digits of its digits."""

    pattern: re.Pattern[str] | None = None
    check: CheckDigits = CheckDigits.NONE

    def fits(self, value: str) -> bool:
        """Whether the canonical ``value`` has this shape and correct check digits."""
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return False
        if self.check is CheckDigits.NONE:
            return True
        digits = "".join(c for c in value if c.isdigit())
        return bool(digits) and bool(_CHECKS[self.check](digits))


@dataclass(frozen=True)
class IdentifierRules:
    """How identifiers are read: the phone region, and the formats of numbers."""

    phone_region: str = DEFAULT_PHONE_REGION
    customer_number: NumberFormat = field(default_factory=NumberFormat)
    contract_number: NumberFormat = field(default_factory=NumberFormat)

    def canonical(self, kind: IdentifierKind, value: str) -> str:
        """The canonical form of ``value``; ``InvalidIdentifierError`` when it cannot be one,
        or does not have the configured format."""
        form = canonical(kind, value, self.phone_region)
        number_format = self.format_of(kind)
        if number_format is not None and not number_format.fits(form):
            raise InvalidIdentifierError(f"{value!r} does not have the format of a {kind.value}")
        return form

    def format_of(self, kind: IdentifierKind) -> NumberFormat | None:
        """The configured format of ``kind``'s numbers (None for other kinds)."""
        if kind is IdentifierKind.CUSTOMER_NUMBER:
            return self.customer_number
        if kind is IdentifierKind.CONTRACT_NUMBER:
            return self.contract_number
        return None

    def kinds_fitting(self, value: str) -> list[IdentifierKind]:
        """The number kinds whose configured pattern ``value`` fits (formats without a pattern
        say nothing about a bare number)."""
        kinds = []
        for kind in (IdentifierKind.CUSTOMER_NUMBER, IdentifierKind.CONTRACT_NUMBER):
            number_format = self.format_of(kind)
            if number_format and number_format.pattern is not None and number_format.fits(value):
                kinds.append(kind)
        return kinds
