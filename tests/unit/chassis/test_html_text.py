"""html_to_text: what a person would read in the HTML of a mail."""

from chassis.html_text import html_to_text


def test_invisible_elements_are_dropped() -> None:
    html = (
        "<html><head><title>Titre</title><style>p{}</style></head><body>"
        "<script>var tracking = 1;</script><noscript>Activez JS</noscript>"
        "<p>Visible</p><!-- commentaire --></body></html>"
    )

    assert html_to_text(html) == "Visible"


def test_entities_are_decoded_and_spaces_collapse() -> None:
    html = "<p>Caf&eacute;&nbsp;&amp;\n    th&#233;   &lt;offert&gt;\u200b</p>"

    assert html_to_text(html) == "Café & thé <offert>"


def test_block_elements_keep_their_line_breaks() -> None:
    html = (
        "<div>Jeanne Martin</div><div>12 rue des Lilas<br>69003 Lyon</div>"
        "<p>Premier paragraphe</p><p>Second <b>paragraphe</b></p>"
        "<h2>Titre</h2>Fin<br><br>Après deux sauts"
    )

    assert html_to_text(html) == (
        "Jeanne Martin\n12 rue des Lilas\n69003 Lyon\n\n"
        "Premier paragraphe\n\nSecond paragraphe\n\nTitre\n\nFin\n\nAprès deux sauts"
    )


def test_lists_and_tables_stay_readable() -> None:
    html = (
        "<ul><li>Contrat</li><li>Avenant <i>signé</i></li></ul>"
        "<table><tr><th>Date</th><th>Montant</th></tr>"
        "<tr><td> 05/03 </td><td>120 €</td></tr></table>"
    )

    assert html_to_text(html) == "- Contrat\n- Avenant signé\n\nDate Montant\n05/03 120 €"


def test_preformatted_text_keeps_its_spacing() -> None:
    html = "<p>Avant</p><pre>  col1   col2\n  a      b\n</pre><p>Après</p>"

    assert html_to_text(html) == "Avant\n\n  col1   col2\n  a      b\n\nAprès"


def test_broken_markup_is_read_like_a_browser_does() -> None:
    assert (
        html_to_text("<p>Un <b>gras non fermé<p>Deux</div></span>") == "Un gras non fermé\n\nDeux"
    )


def test_deeply_nested_markup_does_not_exhaust_the_stack() -> None:
    html = "<div>" * 5000 + "profond" + "</div>" * 5000

    assert html_to_text(html) == "profond"


def test_blank_input_gives_blank_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<html><body> <p> </p> </body></html>") == ""
