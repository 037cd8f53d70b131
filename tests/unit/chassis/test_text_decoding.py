"""decode_text: bytes whose charset is missing or wrong always give readable text."""

import pytest

from chassis.text_decoding import decode_text

FRENCH = "Le véhicule a été accidenté à Noël « côté conducteur » – 1 200 €"


def test_declared_charset_that_fits_is_used_without_problem() -> None:
    text = "Привет, как дела?"
    decoded = decode_text(text.encode("koi8-r"), "KOI8-R")

    assert (decoded.text, decoded.charset, decoded.problem) == (text, "koi8-r", "")


def test_latin_1_label_reads_windows_1252_quotes() -> None:
    decoded = decode_text("“guillemets” – tiret".encode("cp1252"), "iso-8859-1")

    assert (decoded.text, decoded.problem) == ("“guillemets” – tiret", "")


def test_utf8_bytes_labelled_latin_1_are_read_as_utf8() -> None:
    decoded = decode_text(FRENCH.encode(), "iso-8859-1")

    assert decoded.text == FRENCH
    assert decoded.problem == "charset 'iso-8859-1' declared but the text is UTF-8"


def test_latin_1_bytes_labelled_utf8_are_read_and_reported() -> None:
    decoded = decode_text(FRENCH.encode("cp1252"), "utf-8")

    assert decoded.text == FRENCH
    assert decoded.problem == "charset 'utf-8' declared but the text is not utf-8"


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("x-unknown", "unknown charset 'x-unknown'"),
        ("base64", "charset 'base64' declared but the text is not base64"),
        ("us-ascii", "charset 'us-ascii' declared but the text has 8-bit bytes"),
    ],
)
def test_unusable_labels_are_reported_and_the_text_still_read(label: str, problem: str) -> None:
    decoded = decode_text("Résiliation".encode(), label)

    assert (decoded.text, decoded.problem) == ("Résiliation", problem)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Café à Noël", "cp1252"),
        ("Die Hasen und die Frösche", "latin-1"),
        ("Numéro de contrat", "utf-8"),
        ("Привет, как дела? Это длинный текст о страховании автомобиля.", "cp1251"),
    ],
)
def test_missing_charset_is_detected(text: str, codec: str) -> None:
    decoded = decode_text(text.encode(codec))

    assert (decoded.text, decoded.problem) == (text, "")


def test_byte_order_mark_is_not_text() -> None:
    assert decode_text(b"\xef\xbb\xbfBonjour", "utf-8").text == "Bonjour"


def test_utf16_with_a_byte_order_mark_is_read_whatever_the_label() -> None:
    text = "Objet : réclamation concernant l'échéance de février"
    assert decode_text(text.encode("utf-16"), "iso-8859-1").text == text
    assert decode_text(text.encode("utf-16")).text == text
