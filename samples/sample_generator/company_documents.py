"""Documents the company issued and customers send back: a filled claim form and an invoice.

They are attached to sample emails; their text layer carries the customer and contract numbers,
as real attachments do.
"""

from sample_generator.company import COMPANY_NAME, COMPANY_TAGLINE, POSTAL_ADDRESS_LINES
from sample_generator.referential import BENNETT, MOREL
from sample_generator.text_pdf import PAGE_HEIGHT, PAGE_WIDTH, TextPage, render_pdf

_MARGIN = 56.0


def _letterhead(page: TextPage) -> float:
    """Draw the company's letterhead; return the baseline where the document may start."""
    page.band(0, PAGE_HEIGHT - 92, PAGE_WIDTH, 92, 0.9)
    page.text(_MARGIN, PAGE_HEIGHT - 48, COMPANY_NAME, size=18, bold=True)
    page.text(_MARGIN, PAGE_HEIGHT - 66, COMPANY_TAGLINE, size=9.5)
    page.text(_MARGIN, PAGE_HEIGHT - 80, " - ".join(POSTAL_ADDRESS_LINES), size=8.5)
    page.rule(_MARGIN, PAGE_HEIGHT - 100, PAGE_WIDTH - _MARGIN, PAGE_HEIGHT - 100)
    return PAGE_HEIGHT - 130


def _fields(page: TextPage, y: float, rows: list[tuple[str, str]], value_x: float) -> float:
    """Label/value rows (labels in bold); return the baseline after the last row."""
    for label, value in rows:
        page.text(_MARGIN, y, label, size=10.5, bold=True)
        page.text(value_x, y, value, size=10.5)
        y -= 17
    return y


def claim_form_pdf() -> bytes:
    """The home insurance claim form Oliver Bennett filled in after a burst pipe (English)."""
    page = TextPage()
    y = _letterhead(page)
    page.text(_MARGIN, y, "Home insurance claim form", size=15, bold=True)
    page.text(
        _MARGIN, y - 16, "Please return this form within 5 working days of the incident.", size=9
    )
    y = _fields(
        page,
        y - 46,
        [
            ("Policyholder", BENNETT.display_name),
            ("Address", BENNETT.postal_address),
            ("Customer number", BENNETT.customer_numbers[0]),
            ("Policy number", BENNETT.contract_numbers[0]),
            ("Type of cover", "Home insurance - buildings and contents"),
            ("Date of incident", "Sunday 1 November 2026, around 3 pm"),
            ("Cause", "Escape of water - burst pipe under the kitchen sink"),
            ("Rooms affected", "Kitchen, hallway"),
            ("Estimated cost", "£3,200 (floor and kitchen units)"),
        ],
        value_x=190,
    )
    page.text(_MARGIN, y - 14, "Description of the damage", size=11, bold=True)
    y = page.lines(
        _MARGIN,
        y - 32,
        [
            "We came home to find water on the kitchen floor, coming from the cold water pipe",
            "under the sink. It had spread into the hallway. The laminate floor has lifted in both",
            "rooms and the base of the kitchen units is swollen. A plumber replaced the pipe on",
            "Monday 2 November; his invoice and our photos are available on request.",
        ],
        size=10.5,
    )
    page.text(_MARGIN, y - 20, "Declaration", size=11, bold=True)
    page.lines(
        _MARGIN,
        y - 38,
        [
            "I declare that the information given on this form is true and complete.",
            f"Signed: {BENNETT.display_name}          Date: 4 November 2026",
        ],
        size=10.5,
    )
    return render_pdf(page, f"Claim form {BENNETT.contract_numbers[0]}")


INVOICE_NUMBER = "FAC-2026-118734"
INVOICE_BALANCE = "478,54 €"


def invoice_pdf() -> bytes:
    """The electricity invoice Julien Morel disputes: an estimate far above his reading (French)."""
    page = TextPage()
    y = _letterhead(page)
    street, town = MOREL.postal_address.split(", ")
    page.lines(340, y, [MOREL.display_name, street, town], size=11)
    page.text(_MARGIN, y, "FACTURE D'ÉLECTRICITÉ", size=15, bold=True)
    y = _fields(
        page,
        y - 70,
        [
            ("Facture n°", INVOICE_NUMBER),
            ("Date", "2 novembre 2026"),
            ("N° client", MOREL.customer_numbers[0]),
            ("Contrat", f"{MOREL.contract_numbers[0]} - électricité, option base 6 kVA"),
            ("Période", "du 1er septembre au 31 octobre 2026"),
        ],
        value_x=150,
    )
    y = page.lines(
        _MARGIN,
        y - 12,
        [
            "Ancien index (relevé le 31/08/2026) : 7 180 kWh",
            "Nouvel index (estimé le 31/10/2026) : 9 870 kWh",
            "Consommation facturée : 2 690 kWh",
        ],
        size=10.5,
    )
    page.rule(_MARGIN, y - 2, PAGE_WIDTH - _MARGIN, y - 2, width=0.5)
    rows = [
        ("Abonnement (2 mois)", "31,20 €"),
        ("Consommation 2 690 kWh × 0,1380 €", "371,22 €"),
        ("Accise sur l'électricité 2 690 kWh × 0,0225 €", "60,53 €"),
        ("Total HT", "462,95 €"),
        ("TVA 20 %", "92,59 €"),
        ("Total TTC", "555,54 €"),
        ("Mensualités déjà réglées (2 × 38,50 €)", "- 77,00 €"),
    ]
    y -= 20
    for label, amount in rows:
        page.text(_MARGIN, y, label, size=10.5)
        page.text(450, y, amount, size=10.5)
        y -= 16
    page.rule(_MARGIN, y + 4, PAGE_WIDTH - _MARGIN, y + 4, width=0.5)
    page.text(_MARGIN, y - 12, "Reste à payer", size=12, bold=True)
    page.text(450, y - 12, INVOICE_BALANCE, size=12, bold=True)
    page.lines(
        _MARGIN,
        y - 40,
        [
            "Ce montant sera prélevé le 20 novembre 2026 sur le compte enregistré.",
            "Index estimé : transmettez votre relevé réel sur votre espace client pour une facture",
            "au plus juste.",
        ],
        size=9.5,
        leading=13,
    )
    return render_pdf(page, f"Facture {INVOICE_NUMBER}")
