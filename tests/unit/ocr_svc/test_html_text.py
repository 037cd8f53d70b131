"""Readable text out of HTML."""

from __future__ import annotations

from ocr_svc.html_text import html_to_text


def test_scripts_styles_and_head_are_dropped() -> None:
    html = (
        "<html><head><title>Title</title><style>p {color: red}</style></head>"
        "<body><script>var x = 1;</script><p>Visible</p><noscript>enable js</noscript></body></html>"
    )

    assert html_to_text(html) == "Visible"


def test_paragraphs_lines_and_breaks_are_kept() -> None:
    html = (
        "<h1>Claim</h1><p>Dear   team,\n   please  <b>help</b>.</p>"
        "<div>Line one<br>Line two</div><ul><li>first</li><li>second</li></ul>"
    )

    assert html_to_text(html) == (
        "Claim\n\nDear team, please help.\n\nLine one\nLine two\n\nfirst\nsecond"
    )


def test_table_cells_are_separated() -> None:
    html = "<table><tr><td>Contract</td><td>4711</td></tr><tr><td>Status</td><td>open</td></tr></table>"

    assert html_to_text(html) == "Contract 4711\nStatus open"


def test_entities_are_decoded_and_fragments_accepted() -> None:
    assert html_to_text("R&eacute;clamation &amp; remboursement&nbsp;!") == (
        "Réclamation & remboursement !"
    )
    assert html_to_text("") == ""
