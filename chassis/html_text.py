"""HTML mail bodies made into the readable text a person would see.

Classification and correlation read text, not markup: scripts, styles and the head go, entities
are decoded, runs of spaces collapse, and block elements (paragraphs, divisions, table rows, list
items, line breaks) keep their line breaks so that a signature or an address stays on its lines.
"""

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_INVISIBLE_ELEMENTS = frozenset(
    {"head", "script", "style", "noscript", "template", "title", "svg", "object", "iframe"}
)
_PARAGRAPH_ELEMENTS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre"}
)
_LINE_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "caption", "center", "dd", "details", "div", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main",
        "nav", "section", "summary", "tr",
    }
)  # fmt: skip
_CELL_ELEMENTS = frozenset({"td", "th"})
_SPACES = re.compile(r"\s+")
# Zero-width space, soft hyphen and stray byte order marks: invisible in a browser, noise in text.
_INVISIBLE_CHARACTERS = dict.fromkeys(map(ord, "\u200b\u00ad\ufeff"))
_LINE = 1
_PARAGRAPH = 2


def html_to_text(html: str) -> str:
    """Return the readable text of ``html``.

    Script, style, head and other invisible elements are dropped; entities are decoded; each
    paragraph-like element (p, headings, lists, tables, blockquote, pre) is set apart by a blank
    line, other block elements and ``<br>`` end a line, list items start with ``- ``, table cells
    are separated by a space; whitespace inside text collapses to single spaces except in
    ``<pre>``. Lines carry no trailing spaces and there are never two blank lines in a row. Never
    raises (broken markup is read the way a browser would read it).
    """
    if not html.strip():
        return ""
    document = LexborHTMLParser(html)
    writer = _TextWriter()
    if document.root is not None:
        _write_node(document.root, writer)
    return writer.text()


class _TextWriter:
    """Accumulates text and line breaks, keeping spaces and blank lines from piling up."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._pending_breaks = 0

    def write(self, text: str) -> None:
        """Writes flowing text: its whitespace collapses, and none starts a line."""
        text = _SPACES.sub(" ", text.translate(_INVISIBLE_CHARACTERS))
        if self._pending_breaks or not self._pieces:
            text = text.lstrip(" ")
        if not text:
            return
        self._flush_breaks()
        if self._pieces and self._pieces[-1].endswith(" ") and text.startswith(" "):
            text = text[1:]
        self._pieces.append(text)

    def write_verbatim(self, text: str) -> None:
        """Writes preformatted text as it is, as a paragraph of its own."""
        text = text.strip("\n").translate(_INVISIBLE_CHARACTERS)
        if not text.strip():
            return
        self.end_block(_PARAGRAPH)
        self._flush_breaks()
        self._pieces.append(text)
        self.end_block(_PARAGRAPH)

    def end_block(self, breaks: int) -> None:
        """Ends the current line (1) or paragraph (2), unless it is already ended."""
        self._pending_breaks = max(self._pending_breaks, breaks)

    def line_break(self) -> None:
        """A ``<br>``: two in a row make a blank line, unlike nested block ends."""
        if self._pieces:
            self._pending_breaks = min(self._pending_breaks + 1, _PARAGRAPH)

    def text(self) -> str:
        """The text written so far, without trailing spaces on its lines."""
        joined = "".join(self._pieces)
        return "\n".join(line.rstrip() for line in joined.split("\n")).strip("\n")

    def _flush_breaks(self) -> None:
        if self._pending_breaks and self._pieces:
            self._pieces.append("\n" * self._pending_breaks)
        self._pending_breaks = 0


class _BlockEnd:
    """Marks, on the walk's stack, the point where a block element's content ends."""

    def __init__(self, breaks: int) -> None:
        self.breaks = breaks


def _write_node(root: LexborNode, writer: _TextWriter) -> None:
    # An explicit stack rather than recursion: spam and generated mail nest elements deeper than
    # Python's recursion limit.
    stack: list[LexborNode | _BlockEnd] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, _BlockEnd):
            writer.end_block(item.breaks)
            continue
        if item.is_text_node:
            writer.write(item.text_content or "")
            continue
        tag = item.tag
        if not item.is_element_node or tag is None or tag in _INVISIBLE_ELEMENTS:
            continue
        if tag == "br":
            writer.line_break()
            continue
        if tag == "pre":
            writer.write_verbatim(item.text(deep=True))
            continue
        if tag in _CELL_ELEMENTS:
            writer.write(" ")
        breaks = _PARAGRAPH if tag in _PARAGRAPH_ELEMENTS else _LINE if tag in _LINE_ELEMENTS else 0
        if breaks:
            writer.end_block(breaks)
            stack.append(_BlockEnd(breaks))
        if tag == "li":
            writer.write("- ")
        stack.extend(reversed(list(item.iter(include_text=True))))
