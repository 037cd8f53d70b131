"""Text of word-processing files (DOCX, ODT), read from their XML with the standard library."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from ocr_svc.page_source import UnreadableDocumentError

# Bounds the memory one document can take: the zip entry's declared size caps decompression.
MAX_PART_BYTES = 64 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARKUP_COMPATIBILITY = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

_DOCX_PARAGRAPHS = frozenset({f"{_W}p"})
# A text box is stored twice (modern markup and its fallback); only the first copy is read.
_DOCX_SKIPPED = frozenset({f"{_MARKUP_COMPATIBILITY}Fallback"})
_ODT_PARAGRAPHS = frozenset({f"{_TEXT}p", f"{_TEXT}h"})
# Comments and the deleted text kept for change tracking are not part of the document's text.
_ODT_SKIPPED = frozenset({f"{_OFFICE}annotation", f"{_TEXT}tracked-changes"})


def docx_text(data: bytes) -> str:
    """Return the paragraphs of a DOCX document's main body, one per line.

    Tabs and line breaks inside a paragraph are kept; deleted (tracked) text, field codes,
    headers and footers are not read. Raises `UnreadableDocumentError` naming the problem.
    """
    root = _read_xml(data, "word/document.xml", "DOCX")
    return "\n".join(
        "".join(_docx_runs(paragraph))
        for paragraph in _paragraphs(root, _DOCX_PARAGRAPHS, _DOCX_SKIPPED)
    )


def odt_text(data: bytes) -> str:
    """Return the paragraphs and headings of an ODT document, one per line.

    Space runs (`text:s`), tabs and line breaks are kept; comments and tracked deletions are not
    read. Raises `UnreadableDocumentError` naming the problem.
    """
    root = _read_xml(data, "content.xml", "ODT")
    return "\n".join(
        "".join(_odt_content(paragraph))
        for paragraph in _paragraphs(root, _ODT_PARAGRAPHS, _ODT_SKIPPED)
    )


def _read_xml(data: bytes, part: str, kind: str) -> ElementTree.Element:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(part)
            if info.file_size > MAX_PART_BYTES:
                raise UnreadableDocumentError(
                    f"{kind} part {part} is {info.file_size} bytes, over {MAX_PART_BYTES}"
                )
            xml = archive.read(info)
    except KeyError as exc:
        raise UnreadableDocumentError(f"not a {kind} document: no {part}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UnreadableDocumentError(f"damaged {kind} archive: {exc}") from exc
    except (RuntimeError, NotImplementedError) as exc:
        # zipfile's way of saying the entry is encrypted or uses an unknown compression.
        raise UnreadableDocumentError(f"cannot open {kind} archive: {exc}") from exc
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise UnreadableDocumentError(f"malformed XML in {kind} part {part}: {exc}") from exc


def _paragraphs(
    root: ElementTree.Element, paragraph_tags: frozenset[str], skipped: frozenset[str]
) -> Iterator[ElementTree.Element]:
    """Paragraph elements in document order, nested ones (text boxes, notes) after their parent."""
    pending = [root]
    while pending:
        element = pending.pop()
        if element.tag in skipped:
            continue
        if element.tag in paragraph_tags:
            yield element
        pending.extend(reversed(element))


def _docx_runs(paragraph: ElementTree.Element) -> Iterator[str]:
    return _own_content(paragraph, _DOCX_PARAGRAPHS | _DOCX_SKIPPED, _docx_piece, with_tails=False)


def _odt_content(paragraph: ElementTree.Element) -> Iterator[str]:
    return _own_content(paragraph, _ODT_PARAGRAPHS | _ODT_SKIPPED, _odt_piece, with_tails=True)


def _docx_piece(element: ElementTree.Element) -> str | None:
    if element.tag == f"{_W}t":
        return element.text or ""
    if element.tag == f"{_W}tab":
        return "\t"
    if element.tag in (f"{_W}br", f"{_W}cr"):
        return "\n"
    return None


def _odt_piece(element: ElementTree.Element) -> str | None:
    if element.tag == f"{_TEXT}s":
        count = element.get(f"{_TEXT}c", "1")
        return " " * (int(count) if count.isdigit() else 1)
    if element.tag == f"{_TEXT}tab":
        return "\t"
    if element.tag == f"{_TEXT}line-break":
        return "\n"
    return None


def _own_content(
    paragraph: ElementTree.Element,
    excluded: frozenset[str],
    piece: Callable[[ElementTree.Element], str | None],
    *,
    with_tails: bool,
) -> Iterator[str]:
    """The text of `paragraph` without that of the paragraphs nested in it (read on their own).

    `piece` maps an element to its text (or None to descend into it); with `with_tails`, the
    text between elements (mixed content, as in ODT) is kept too.
    """
    if with_tails and paragraph.text:
        yield paragraph.text
    # A stack of (element, whether its subtree is done) walks mixed content without recursion,
    # so that a maliciously deep document cannot exhaust the interpreter's stack.
    pending: list[tuple[ElementTree.Element, bool]] = [
        (child, False) for child in reversed(paragraph)
    ]
    while pending:
        element, done = pending.pop()
        if done:
            if with_tails and element.tail:
                yield element.tail
            continue
        pending.append((element, True))
        if element.tag in excluded:
            continue
        text = piece(element)
        if text is not None:
            yield text
            continue
        if with_tails and element.text:
            yield element.text
        pending.extend((child, False) for child in reversed(element))
