"""Text of DOCX and ODT documents read from their XML."""

from __future__ import annotations

import io
import zipfile

import pytest

from ocr_svc.office_text import MAX_PART_BYTES, docx_text, odt_text
from ocr_svc.page_source import UnreadableDocumentError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx(body: str) -> bytes:
    document = f'<w:document xmlns:w="{_W}" xmlns:mc="{_MC}"><w:body>{body}</w:body></w:document>'
    return _zip({"word/document.xml": document})


def _odt(text: str) -> bytes:
    content = (
        f'<office:document-content xmlns:office="{_OFFICE}" xmlns:text="{_TEXT}">'
        f"<office:body><office:text>{text}</office:text></office:body></office:document-content>"
    )
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content})


def test_docx_paragraphs_runs_tabs_and_breaks() -> None:
    body = (
        "<w:p><w:r><w:t>Contrat </w:t></w:r><w:r><w:t>4711</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Nom</w:t><w:tab/><w:t>Dupont</w:t><w:br/><w:t>Paris</w:t></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del></w:p>"
    )

    assert docx_text(_docx(body)) == "Contrat 4711\nNom\tDupont\nParis\n"


def test_docx_text_box_is_read_once() -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent>"
    body = (
        "<w:p><w:r><w:t>Before</w:t>"
        f"<mc:AlternateContent><mc:Choice>{box}</mc:Choice><mc:Fallback>{box}</mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )

    assert docx_text(_docx(body)) == "Before\nIn a box"


def test_odt_paragraphs_headings_spaces_and_breaks() -> None:
    text = (
        "<text:h>Réclamation</text:h>"
        '<text:p>Numéro<text:s text:c="3"/>55<text:tab/>x<text:line-break/>'
        "<text:span>suite</text:span> et fin</text:p>"
        "<office:annotation><text:p>a comment</text:p></office:annotation>"
    )

    assert odt_text(_odt(text)) == "Réclamation\nNuméro   55\tx\nsuite et fin"


def test_zip_without_the_document_part_is_unreadable() -> None:
    with pytest.raises(
        UnreadableDocumentError, match=r"not a DOCX document: no word/document\.xml"
    ):
        docx_text(_zip({"other.xml": "<x/>"}))


def test_damaged_archive_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="damaged ODT archive"):
        odt_text(b"PK\x03\x04 this is not a zip")


def test_malformed_xml_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="malformed XML in DOCX"):
        docx_text(_zip({"word/document.xml": "<w:document><unclosed>"}))


def test_oversized_part_is_refused_before_decompression() -> None:
    huge = _zip({"word/document.xml": " " * (MAX_PART_BYTES + 1)})

    with pytest.raises(UnreadableDocumentError, match="over"):
        docx_text(huge)
