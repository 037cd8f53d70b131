"""Dates and amounts read from French and English text."""

from __future__ import annotations

import pytest

from correlate_svc.facts import facts_of, kind_of


@pytest.mark.parametrize(
    "text",
    [
        "le 15/03/2026",
        "le 15.03.26",
        "le 15/03",
        "le 15 mars",
        "le 15 MARS 2026",
        "March 15",
        "March 15th, 2026",
        "on 15 March",
        "the 15th of March",
    ],
)
def test_dates_are_day_and_month_whatever_the_form(text: str) -> None:
    assert facts_of(text) == {"date:15/3"}


def test_first_of_the_month_and_accents() -> None:
    assert facts_of("à compter du 1er février") == {"date:1/2"}
    assert facts_of("depuis le 3 août") == {"date:3/8"}


@pytest.mark.parametrize(
    "text", ["299,58 €", "299,58€", "€299.58", "€ 299.58", "299.58 EUR", "299,58 euros"]
)
def test_amounts_are_euros_and_cents(text: str) -> None:
    assert facts_of(f"montant {text} prélevé") == {"amount:299.58"}


def test_whole_amounts_have_zero_cents() -> None:
    assert facts_of("12 euros et 1 €") == {"amount:12.00", "amount:1.00"}


def test_impossible_dates_and_plain_numbers_are_no_facts() -> None:
    assert facts_of("le 32/13, contrat 20240871, 45 ans, version 2.0") == set()


def test_kinds() -> None:
    assert kind_of("date:15/3") == "date"
    assert kind_of("amount:1.00") == "amount"
