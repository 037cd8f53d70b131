"""rtf_to_text on RTF written here: the three flavours Outlook stores, code pages, escapes."""

from ingest_svc.rtf_text import rtf_to_text


def test_paragraphs_and_escaped_bytes_of_the_document_code_page() -> None:
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}"
        rb"{\colortbl ;\red0\green0\blue255;}"
        rb"\pard\f0\fs20 Madame,\par Je r\'e9silie mon contrat n\'b0 42.\par\par Cordialement\par}"
    )

    assert rtf_to_text(rtf) == "Madame,\nJe résilie mon contrat n° 42.\n\nCordialement"


def test_unicode_characters_skip_their_fallback() -> None:
    rtf = (
        rb"{\rtf1\ansi\uc1 Caf\u233\'e9 \u8364? 5\par \uc2 \u8217\'92\'27 ok"
        rb"\par \uc1\u-10179?\u-8704? \u-10179?}"
    )

    assert rtf_to_text(rtf) == "Café € 5\n’ ok\n\U0001f600 \ufffd"


def test_font_charset_decides_the_code_page_of_its_text() -> None:
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fcharset0 Arial;}"
        rb"{\f1\fcharset204{\*\fname Arial;}Arial CYR;}}"
        rb"\f0 Sample \f1 \'cf\'f0\'e8\'e2\'e5\'f2\par}"
    )

    assert rtf_to_text(rtf) == "Sample Привет"


def test_ignorable_destinations_and_pictures_are_skipped() -> None:
    rtf = (
        rb"{\rtf1\ansi{\info{\title Secret title}{\author Someone}}"
        rb"{\*\generator Riched20 10.0;}{\pict\pngblip 89504e47}"
        rb"{\field{\*\fldinst HYPERLINK \"https://example.com\"}{\fldrslt le site}}"
        rb" Voir {\b le document}.\par}"
    )

    assert rtf_to_text(rtf) == "le site Voir le document."


def test_encapsulated_html_reads_as_its_text() -> None:
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
        rb"{\*\htmltag19 <html>}{\*\htmltag34 <head><style>p {color: red}</style></head>}"
        rb"{\*\htmltag50 <body>}\htmlrtf {\htmlrtf0 {\*\htmltag64 <p>}Bonjour Madame,"
        rb"{\*\htmltag244 </p>}\htmlrtf\par\htmlrtf0}"
        rb"{\*\htmltag64 <p>}Contrat CTR-12345678{\*\htmltag72 </p>}\htmlrtf\par\htmlrtf0"
        rb"{\*\htmltag58 </body></html>}}"
    )

    assert rtf_to_text(rtf) == "Bonjour Madame,\nContrat CTR-12345678"


def test_encapsulated_plain_text_reads_as_itself() -> None:
    rtf = rb"{\rtf1\ansi\fromtext{\fonttbl{\f0 Courier;}}\f0 Ligne 1\par Ligne 2\tab fin\par}"

    assert rtf_to_text(rtf) == "Ligne 1\nLigne 2\tfin"


def test_garbage_and_unbalanced_groups_never_raise() -> None:
    assert rtf_to_text(b"") == ""
    assert rtf_to_text(b"}}}{\\rtf1 texte \\'zz \\u99999999? fin") == "texte zz \ufffd fin"
    assert rtf_to_text(bytes(range(256))).strip() != ""
    assert rtf_to_text(rb"{\rtf1\ansi\ansicpg99999 caf\'e9}") == "café"
