"""Judging a PDF text layer as usable or garbage."""

from __future__ import annotations

from ocr_svc.text_layer import is_usable_text_layer


def test_prose_is_usable() -> None:
    text = "Madame, Monsieur,\nje vous écris au sujet de l'avis d'échéance n° 2024-118."

    assert is_usable_text_layer(text, page_has_images=False)


def test_a_table_of_numbers_is_usable() -> None:
    text = "Date Montant\n01/02/2024 12,50\n03/02/2024 1 200,00\n04/02/2024 -7,30"

    assert is_usable_text_layer(text, page_has_images=False)


def test_empty_layer_is_not_usable() -> None:
    assert not is_usable_text_layer(" \n\t ", page_has_images=False)


def test_symbol_soup_is_not_usable() -> None:
    assert not is_usable_text_layer("#$%& *+=@ ~^|{} <>?! ()[]", page_has_images=False)


def test_unmapped_glyphs_are_not_usable() -> None:
    # Fonts without a Unicode map yield private-use or control characters.
    assert not is_usable_text_layer("\ue001\ue002\ue003 \x03\x04 abc", page_has_images=False)


def test_a_stamp_over_a_scan_is_not_usable() -> None:
    assert not is_usable_text_layer("Page 1 / 3", page_has_images=True)
    assert is_usable_text_layer("Page 1 / 3", page_has_images=False)


def test_an_ocr_layer_over_a_scan_is_usable() -> None:
    text = "Objet : résiliation de mon contrat habitation numéro 55512 à compter du 1er mars"

    assert is_usable_text_layer(text, page_has_images=True)
