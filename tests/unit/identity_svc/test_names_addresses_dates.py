"""Names, addresses and dates as matching reads them, in French and English."""

from __future__ import annotations

import pytest

from identity_svc.addresses import AddressForm, read_address
from identity_svc.dates import InvalidDateError, birth_date_form, find_dates
from identity_svc.names import NameForm, deletion_keys, organisation_name, person_name
from identity_svc.ocr_repair import repair_digits
from identity_svc.words import fold


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Jean Dupont", NameForm(("jean",), ("dupont",))),
        ("Jean DUPONT", NameForm(("jean",), ("dupont",))),
        ("DUPONT Jean", NameForm(("jean",), ("dupont",))),
        ("Dupont, Jean-Pierre", NameForm(("jean", "pierre"), ("dupont",))),
        ("M. Jean de La Fontaine", NameForm(("jean",), ("fontaine",))),
        ("Mrs Sarah Bennett", NameForm(("sarah",), ("bennett",))),
        ("Lémaire", NameForm((), ("lemaire",))),
    ],
)
def test_person_names(display: str, expected: NameForm) -> None:
    assert person_name(display) == expected


def test_the_crm_fields_win_over_the_display_name() -> None:
    assert person_name("Bob", "Robert", "Allen") == NameForm(("robert",), ("allen",))


def test_organisation_names_drop_legal_forms_and_repeats() -> None:
    assert organisation_name("Atelier Morel SARL - Atelier Morel").words == ("atelier", "morel")


def test_deletion_keys_make_two_edits_meet() -> None:
    assert deletion_keys("lemaire") & deletion_keys("lenaire")
    assert not deletion_keys("lemaire") & deletion_keys("durand")
    assert deletion_keys("li") == {"li"}
    assert deletion_keys("x") == set()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "17 bis rue des Écoles, 56000 Vannes",
            AddressForm("17", ("ecoles",), "56000", ("vannes",)),
        ),
        (
            "221B Baker Street, London NW1 6XE",
            AddressForm("221b", ("baker",), "nw16xe", ("london",)),
        ),
        (
            "4837 W. Erie St., Chicago IL 60644",
            AddressForm("4837", ("erie",), "60644", ("chicago",)),
        ),
        (
            "12 avenue Jean Jaurès 75019 Paris",
            AddressForm("12", ("jean", "jaures"), "75019", ("paris",)),
        ),
        ("4837 W ERIE ST", AddressForm("4837", ("erie",), "", ())),
    ],
)
def test_addresses(written: str, expected: AddressForm) -> None:
    assert read_address(written) == expected


def test_dates_in_french_and_english() -> None:
    text = "Né le 12/03/1975. Courrier du 2 novembre 2026, March 4th, 1980, 1630-08-01."

    values = [d.value for d in find_dates(text)]

    assert values == ["1975-03-12", "1975-12-03", "2026-11-02", "1980-03-04", "1630-08-01"]
    assert find_dates(text)[0].birth_context


def test_an_impossible_date_is_not_a_date() -> None:
    assert all(d.value != "2020-02-31" for d in find_dates("le 31/02/2020"))


def test_birth_dates_on_import() -> None:
    assert birth_date_form("12/03/1975") == "1975-03-12"
    assert birth_date_form(" ") == ""
    with pytest.raises(InvalidDateError):
        birth_date_form("soon")


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        ("O6 12 34 56 78", "06 12 34 56 78"),
        ("CLI48291O", "CLI482910"),
        ("CTR-2O24 O871", "CTR-2024 0871"),
        ("SOS Bob ISO", "SOS Bob ISO"),
        ("l2345", "12345"),
        ("2O26", "2O26"),
    ],
)
def test_ocr_digit_confusions_are_undone(scanned: str, expected: str) -> None:
    repaired = repair_digits(scanned)

    assert repaired == expected
    assert len(repaired) == len(scanned)


def test_folding() -> None:
    assert fold("Lémaire ŒUVRE Straße") == "lemaire oeuvre strasse"
