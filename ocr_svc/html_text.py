"""Readable text out of HTML: scripts and styles dropped, paragraph and line breaks kept."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

# Markers for breaks, so that the whitespace of the source can be collapsed as a browser does
# without losing the breaks the markup implies: the edge of a block (several in a row make one
# line break), an explicit <br> (each one counts), the edge of a paragraph (an empty line).
_BLOCK = "\ue000"
_BREAK = "\u2028"
_PARAGRAPH = "\u2029"
_MARKERS = _BLOCK + _BREAK + _PARAGRAPH
_DROPPED_TAGS = ["script", "style", "noscript", "template", "head"]
_PARAGRAPH_TAGS = "p, h1, h2, h3, h4, h5, h6, blockquote, pre, table, ul, ol, dl, hr"
_BLOCK_TAGS = (
    "div, li, tr, dt, dd, section, article, header, footer, nav, aside, main, address, "
    "caption, figcaption, form, fieldset, legend"
)
_CELL_TAGS = "td, th"
_SOURCE_WHITESPACE = re.compile(r"[ \t\n\r\f\v\xa0]+")
_BREAKS = re.compile(f"[ {_MARKERS}]*[{_MARKERS}][ {_MARKERS}]*")


def html_to_text(html: str) -> str:
    """Return the visible text of the HTML document `html`.

    Script, style and head content is dropped; block elements start a new line, paragraphs,
    headings, lists and tables are separated by an empty line, `<br>` breaks a line and table
    cells are separated by a space. Runs of source whitespace collapse to one space.
    """
    tree = LexborHTMLParser(html)
    tree.strip_tags(_DROPPED_TAGS)
    body = tree.body
    if body is None:
        return ""
    for node in body.css(_PARAGRAPH_TAGS):
        node.insert_before(_PARAGRAPH)
        node.insert_after(_PARAGRAPH)
    for node in body.css(_BLOCK_TAGS):
        node.insert_before(_BLOCK)
        node.insert_after(_BLOCK)
    for node in body.css("br"):
        node.insert_after(_BREAK)
    for node in body.css(_CELL_TAGS):
        node.insert_after(" ")
    text = _SOURCE_WHITESPACE.sub(" ", body.text(separator=""))
    return _BREAKS.sub(_break_for, text).strip()


def _break_for(markers: re.Match[str]) -> str:
    run = markers.group(0)
    if _PARAGRAPH in run or run.count(_BREAK) > 1:
        return "\n\n"
    return "\n"
