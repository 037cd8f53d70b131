"""Decoding text documents whatever their encoding."""

from __future__ import annotations

import pytest

from ocr_svc.page_source import UnreadableDocumentError
from ocr_svc.text_decoding import decode_text

FRENCH = "Objet : réclamation concernant l'échéance de février, merci de votre aide."


def test_utf8_wins_over_a_wrong_declaration() -> None:
    assert decode_text(FRENCH.encode(), "iso-8859-1") == FRENCH


def test_byte_order_marks_are_honoured() -> None:
    assert decode_text(FRENCH.encode("utf-16")) == FRENCH
    assert decode_text(FRENCH.encode("utf-8-sig")) == FRENCH


def test_declared_charset_is_used_when_not_utf8() -> None:
    assert decode_text(FRENCH.encode("cp1252"), "windows-1252") == FRENCH


def test_undeclared_legacy_encoding_is_detected() -> None:
    assert decode_text(FRENCH.encode("cp1252")) == FRENCH


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_text(FRENCH.encode("cp1252"), "no-such-charset") == FRENCH


def test_binary_noise_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="character encoding"):
        decode_text(bytes(range(256)) * 8)
