"""The sample inbox: ten items from November 2026 and what Conflux should make of each.

The story: Martine Lemaire sells her house. She cancels its insurance by letter (01), gives her
new address by email (04, same party, other demand) and phones when the letter goes unanswered
(06, same demand as 01). Oliver Bennett sends a claim form (02) and chases it by SMS (09). Julien
Morel disputes an invoice from an address the referential does not know (03). Two customers are
named Nicolas Bernard; the one in Bordeaux writes in the chat (08). The rest are single demands.
"""

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sample_generator.company import (
    COMPANY_NAME,
    POSTAL_ADDRESS_LINES,
    SERVICE_DISPLAY_NAME,
    SERVICE_MAILBOX,
)
from sample_generator.company_documents import (
    INVOICE_BALANCE,
    INVOICE_NUMBER,
    claim_form_pdf,
    invoice_pdf,
)
from sample_generator.emails import Attachment, Email
from sample_generator.referential import (
    BENNETT,
    BERNARD_BORDEAUX,
    BERNARD_LYON,
    CLARKE,
    HADDAD,
    LEFORT,
    LEMAIRE,
    MOREL,
    Party,
    identifier_key,
)
from sample_generator.scanned_letter import Letter, image_only_pdf, render_letter

_PARIS = timezone(timedelta(hours=1))
_SERVICE = f"{SERVICE_DISPLAY_NAME} <{SERVICE_MAILBOX}>"
UNKNOWN_SENDER = "atelier.jmorel@example.com"


@dataclass(frozen=True)
class Expectation:
    """What the pipeline should conclude about an item (documentation, not a test oracle).

    case is a label shared by the items of one demand; relation says how the item relates to
    earlier ones; evidence says where the sender's identity can be read.
    """

    party: Party
    category: str
    case: str
    relation: str
    evidence: str


@dataclass(frozen=True)
class InboxItem:
    """One file of the inbox, its optional .meta.json sidecar, and what it should become."""

    file_name: str
    channel: str
    sent_time: datetime
    content: bytes
    expectation: Expectation
    sidecar: bytes | None = None


def _iso(moment: datetime) -> str:
    """RFC 3339 UTC timestamp with a Z, as the inbox JSON files write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _international(phone: str) -> str:
    """The number as a phone network presents the caller: +, country code, digits (E.164)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if phone.startswith("+") else f"+33{digits[1:]}"


def _json_bytes(document: dict[str, object]) -> bytes:
    """Pretty-printed UTF-8 JSON with a final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _short_message(
    channel: str,
    sender: str,
    sent_time: datetime,
    body: str,
    *,
    sender_name: str = "",
    subject: str = "",
    fields: dict[str, str] | None = None,
) -> bytes:
    """An SMS, chat message, call note or web form as the inbox JSON format writes it."""
    document: dict[str, object] = {
        "channel": channel,
        "sender": sender,
        "sender_name": sender_name,
        "subject": subject,
        "body": body,
        "sent_time": _iso(sent_time),
    }
    if fields is not None:
        document["fields"] = fields
    return _json_bytes(document)


def _cancellation_letter(rng: random.Random) -> InboxItem:
    """01: Martine Lemaire's letter cancelling her home insurance, scanned on 3 November."""
    street, town = LEMAIRE.postal_address.split(", ")
    letter = Letter(
        sender_lines=(LEMAIRE.display_name, street, town, f"Tél. {LEMAIRE.phones[0]}"),
        recipient_lines=(COMPANY_NAME, *POSTAL_ADDRESS_LINES),
        place_and_date="Vannes, le 2 novembre 2026",
        subject_lines=(
            "Objet : résiliation de mon assurance habitation",
            f"N° client : {LEMAIRE.customer_numbers[0]}",
            f"Contrat : {LEMAIRE.contract_numbers[0]}",
        ),
        salutation="Madame, Monsieur,",
        paragraphs=(
            "J'ai vendu ma maison du 17 rue des Écoles à Vannes : l'acte de vente a été signé le "
            "28 octobre 2026 chez Maître Kerbrat, notaire, et je remettrai les clés à "
            "l'acquéreur le 15 novembre.",
            "Je vous demande donc de résilier mon contrat d'assurance habitation n° "
            f"{LEMAIRE.contract_numbers[0]} à compter du 15 novembre 2026. Vous trouverez "
            "ci-joint une copie de l'attestation de vente.",
            "Je vous remercie de me confirmer cette résiliation par écrit et de me rembourser la "
            "part de cotisation correspondant à la période qui ne sera plus couverte.",
            "Mon contrat auto reste en vigueur ; je vous communiquerai prochainement ma nouvelle "
            "adresse.",
        ),
        closing="Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
        "distinguées.",
        signature_name=LEMAIRE.display_name,
    )
    received = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    file_name = "01-scanned-letter.pdf"
    return InboxItem(
        file_name=file_name,
        channel="mail",
        sent_time=received,
        content=image_only_pdf(render_letter(letter, rng), "Numérisation courrier"),
        sidecar=_json_bytes({"channel": "mail", "sent_time": _iso(received)}),
        expectation=Expectation(
            party=LEMAIRE,
            category="cancellation",
            case="A",
            relation="new case",
            evidence="OCR text only: name and address, customer number "
            f"{LEMAIRE.customer_numbers[0]}, contract {LEMAIRE.contract_numbers[0]}, phone",
        ),
    )


def _claim_email() -> InboxItem:
    """02: Oliver Bennett's burst pipe, with the filled claim form attached (English)."""
    policy = BENNETT.contract_numbers[0]
    sent = datetime(2026, 11, 5, 18, 47, tzinfo=UTC)
    email = Email(
        sender=f"{BENNETT.display_name} <{BENNETT.emails[0]}>",
        recipient=_SERVICE,
        subject=f"Burst pipe - claim form for policy {policy}",
        sent=sent,
        message_id="<20261105184702.5f3a9c@mail.example.com>",
        plain_body=(
            "Hello,\n\n"
            "On Sunday afternoon (1 November) a pipe burst under our kitchen sink while we were "
            "out. By the time we got home the water had spread across the kitchen and into the "
            "hallway; the laminate floor has lifted and the bottom of the kitchen units is "
            "swollen.\n\n"
            "A plumber replaced the pipe on Monday. I have filled in your claim form for our "
            f"home insurance (policy {policy}), please find it attached.\n\n"
            "Could you let me know whether an assessor needs to visit before we replace the "
            "floor? We are managing without the kitchen for now.\n\n"
            "Kind regards,\n\n"
            "Oliver Bennett\n"
            "22 Marlowe Gardens, Canterbury\n"
        ),
        attachments=(Attachment(f"claim-form-{policy}.pdf", "application/pdf", claim_form_pdf()),),
    )
    return InboxItem(
        file_name="02-email-claim-form.eml",
        channel="email",
        sent_time=sent,
        content=email.to_bytes(),
        expectation=Expectation(
            party=BENNETT,
            category="claim",
            case="B",
            relation="new case",
            evidence=f"From {BENNETT.emails[0]}; customer and policy numbers in the PDF form",
        ),
    )


def _invoice_dispute_email() -> InboxItem:
    """03: Julien Morel disputes an estimated invoice, from a mailbox the CRM does not know."""
    sent = datetime(2026, 11, 6, 8, 12, tzinfo=_PARIS)
    customer = MOREL.customer_numbers[0]
    html = (
        '<html><body style="font-family: Calibri, sans-serif; font-size: 11pt">\n'
        "<p>Bonjour,</p>\n"
        "<p>Je viens de recevoir la facture d'&eacute;lectricit&eacute; ci-jointe "
        f"(n&deg; {INVOICE_NUMBER}), qui me r&eacute;clame <b>{INVOICE_BALANCE}</b> alors que "
        "ma mensualit&eacute; est de 38,50 &euro;.</p>\n"
        "<p>Cette facture repose sur un index <i>estim&eacute;</i> de 9 870 kWh. J'ai "
        "relev&eacute; mon compteur moi-m&ecirc;me le 31 octobre : il affiche "
        "<b>7 512 kWh</b>, soit 332 kWh consomm&eacute;s sur la p&eacute;riode, et non "
        "2 690.</p>\n"
        "<p>Merci de refaire la facture sur la base de mon relev&eacute; r&eacute;el et de ne "
        "pas pr&eacute;lever ce montant le 20 novembre.</p>\n"
        "<p>Je vous &eacute;cris depuis mon adresse de l'atelier, ma bo&icirc;te personnelle "
        "ne fonctionne plus en ce moment.</p>\n"
        "<p>Cordialement,</p>\n"
        '<table style="border-top: 1px solid #999999; font-size: 10pt">'
        f"<tr><td><b>{MOREL.display_name}</b><br>N&deg; client : {customer}</td></tr>"
        "</table>\n"
        "</body></html>\n"
    )
    email = Email(
        sender=f"Julien M. <{UNKNOWN_SENDER}>",
        recipient=_SERVICE,
        subject=f"Contestation de la facture {INVOICE_NUMBER}",
        sent=sent,
        message_id="<b61c07e2-3f5d-4c8e-9a0b-7d2e4f118734@atelier.example.com>",
        html_body=html,
        attachments=(Attachment(f"{INVOICE_NUMBER}.pdf", "application/pdf", invoice_pdf()),),
    )
    return InboxItem(
        file_name="03-email-invoice-dispute.eml",
        channel="email",
        sent_time=sent,
        content=email.to_bytes(),
        expectation=Expectation(
            party=MOREL,
            category="billing",
            case="C",
            relation="new case",
            evidence=f"From {UNKNOWN_SENDER} is unknown; the HTML signature gives customer "
            f"number {customer}, the attached invoice the customer and contract numbers",
        ),
    )


def _new_address_email() -> InboxItem:
    """04: Martine Lemaire's new address, from her second mailbox (plain text and HTML)."""
    sent = datetime(2026, 11, 9, 20, 31, tzinfo=_PARIS)
    car_contract = LEMAIRE.contract_numbers[1]
    plain = (
        "Bonjour,\n\n"
        "Je déménage le 15 novembre. À partir de cette date, merci d'envoyer mes courriers à ma "
        "nouvelle adresse :\n\n"
        "8 allée des Cerisiers\n"
        "35000 Rennes\n\n"
        f"Cela concerne mon contrat auto {car_contract}, que je garde. La résiliation de "
        "l'assurance de ma maison de Vannes fait l'objet de mon courrier du 2 novembre, je ne "
        "reviens pas dessus ici.\n\n"
        "Mon numéro de portable ne change pas.\n\n"
        "Bien cordialement,\n"
        "Martine Lemaire\n"
    )
    html = (
        "<html><body>\n"
        "<div>Bonjour,</div><div><br></div>\n"
        "<div>Je déménage le 15 novembre. À partir de cette date, merci d'envoyer mes courriers "
        "à ma nouvelle adresse :</div><div><br></div>\n"
        "<div>8 allée des Cerisiers<br>35000 Rennes</div><div><br></div>\n"
        f"<div>Cela concerne mon contrat auto {car_contract}, que je garde. La résiliation de "
        "l'assurance de ma maison de Vannes fait l'objet de mon courrier du 2 novembre, je ne "
        "reviens pas dessus ici.</div><div><br></div>\n"
        "<div>Mon numéro de portable ne change pas.</div><div><br></div>\n"
        "<div>Bien cordialement,<br>Martine Lemaire</div>\n"
        "</body></html>\n"
    )
    email = Email(
        sender=f"{LEMAIRE.display_name} <{LEMAIRE.emails[1]}>",
        recipient=_SERVICE,
        subject="Nouvelle adresse à partir du 15 novembre",
        sent=sent,
        message_id="<CAF3x9Lm2026110920310417.lemaire@mail.example.com>",
        plain_body=plain,
        html_body=html,
    )
    return InboxItem(
        file_name="04-email-new-address.eml",
        channel="email",
        sent_time=sent,
        content=email.to_bytes(),
        expectation=Expectation(
            party=LEMAIRE,
            category="address_change",
            case="D",
            relation="new case (same party as 01, another demand on another contract)",
            evidence=f"From {LEMAIRE.emails[1]} (her second address); contract {car_contract}",
        ),
    )


def _returned_debit_sms() -> InboxItem:
    """05: Karim Haddad's direct debit bounced after he changed banks."""
    sent = datetime(2026, 11, 10, 7, 58, tzinfo=UTC)
    sender = _international(HADDAD.phones[0])
    body = (
        "Bonjour, ma banque me dit que votre prélèvement du 5 novembre a été rejeté. J'ai changé "
        "de compte en octobre, comment je vous envoie mon nouveau RIB pour régulariser sans "
        "frais ? Merci. Karim Haddad"
    )
    return InboxItem(
        file_name="05-sms.json",
        channel="sms",
        sent_time=sent,
        content=_short_message("sms", sender, sent, body),
        expectation=Expectation(
            party=HADDAD,
            category="payment_issue",
            case="E",
            relation="new case",
            evidence=f"phone {sender} is {HADDAD.phones[0]} in the referential; name",
        ),
    )


def _cancellation_follow_up_call() -> InboxItem:
    """06: Martine Lemaire phones about her unanswered letter: the same demand as 01."""
    sent = datetime(2026, 11, 12, 14, 5, tzinfo=UTC)
    sender = _international(LEMAIRE.phones[0])
    contract = LEMAIRE.contract_numbers[0]
    body = (
        "Appel de Mme Lemaire au sujet de son courrier de début novembre demandant la "
        f"résiliation de son assurance habitation, contrat {contract} (maison de Vannes vendue, "
        "remise des clés le 15/11). Elle n'a reçu aucune confirmation et craint d'être encore "
        "prélevée en décembre. Je lui ai indiqué que sa demande serait traitée en priorité et "
        "qu'une confirmation écrite lui serait envoyée par e-mail."
    )
    return InboxItem(
        file_name="06-phone-note.json",
        channel="phone",
        sent_time=sent,
        content=_short_message("phone", sender, sent, body, subject="Appel entrant"),
        expectation=Expectation(
            party=LEMAIRE,
            category="cancellation",
            case="A",
            relation="duplicate of 01 (same party, same contract, same demand)",
            evidence=f"caller {sender} is {LEMAIRE.phones[0]}; contract {contract}; name",
        ),
    )


def _certificate_form() -> InboxItem:
    """07: a bakery needs its business insurance certificate for its landlord."""
    sent = datetime(2026, 11, 13, 10, 22, tzinfo=UTC)
    contract = LEFORT.contract_numbers[0]
    body = (
        "Bonjour, le propriétaire des murs de notre boulangerie nous demande, pour le "
        "renouvellement du bail commercial, une attestation d'assurance multirisque "
        "professionnelle en cours de validité pour le local du 3 place du Marché à Chartres "
        f"(contrat {contract}). Pourriez-vous nous l'envoyer par e-mail avant le 25 novembre ? "
        "Merci d'avance. Sandrine Lefort, gérante"
    )
    fields = {
        "raison_sociale": LEFORT.display_name,
        "contact": "Sandrine Lefort",
        "email": LEFORT.emails[0],
        "telephone": LEFORT.phones[0],
        "numero_client": LEFORT.customer_numbers[0],
        "motif": "Obtenir un document",
    }
    return InboxItem(
        file_name="07-web-form.json",
        channel="form",
        sent_time=sent,
        content=_short_message(
            "form",
            LEFORT.emails[0],
            sent,
            body,
            sender_name="Sandrine Lefort",
            subject="Demande d'attestation d'assurance",
            fields=fields,
        ),
        expectation=Expectation(
            party=LEFORT,
            category="document_request",
            case="F",
            relation="new case",
            evidence=f"sender {LEFORT.emails[0]}; customer number in the form fields; contract",
        ),
    )


def _named_driver_chat() -> InboxItem:
    """08: the Bordeaux Nicolas Bernard adds his daughter to his car policy."""
    sent = datetime(2026, 11, 14, 17, 40, tzinfo=UTC)
    contract = BERNARD_BORDEAUX.contract_numbers[0]
    body = (
        "bonjour, je voudrais ajouter ma fille Léa comme conductrice secondaire sur l'assurance "
        f"de ma voiture (contrat {contract}) à partir du 1er décembre. elle a eu son permis le "
        "6 novembre. ça change combien sur la cotisation ?"
    )
    return InboxItem(
        file_name="08-chat.json",
        channel="chat",
        sent_time=sent,
        content=_short_message(
            "chat", BERNARD_BORDEAUX.emails[0], sent, body, sender_name="Nicolas Bernard"
        ),
        expectation=Expectation(
            party=BERNARD_BORDEAUX,
            category="contract_change",
            case="G",
            relation="new case",
            evidence=f"homonym: {BERNARD_LYON.party_id} bears the same name; the sender "
            f"{BERNARD_BORDEAUX.emails[0]} and contract {contract} designate "
            f"{BERNARD_BORDEAUX.party_id}",
        ),
    )


def _claim_chaser_sms() -> InboxItem:
    """09: Oliver Bennett chases his claim by SMS: the same demand as 02."""
    sent = datetime(2026, 11, 16, 9, 15, tzinfo=UTC)
    sender = _international(BENNETT.phones[0])
    policy = BENNETT.contract_numbers[0]
    body = (
        "Hi, I emailed my claim form on 5 Nov about the burst pipe in our kitchen (policy "
        f"{policy}). When will the assessor come? The floor has to be replaced and we still "
        "can't use the kitchen. Could someone call me back please? Oliver Bennett"
    )
    return InboxItem(
        file_name="09-sms.json",
        channel="sms",
        sent_time=sent,
        content=_short_message("sms", sender, sent, body),
        expectation=Expectation(
            party=BENNETT,
            category="claim",
            case="B",
            relation="duplicate of 02 (same party, same policy, same claim)",
            evidence=f"phone {sender} is {BENNETT.phones[0]}; policy {policy}; name",
        ),
    )


def _missed_appointment_call() -> InboxItem:
    """10: Emily Clarke's engineer missed two appointments (English call note)."""
    sent = datetime(2026, 11, 18, 11, 30, tzinfo=UTC)
    sender = _international(CLARKE.phones[0])
    contract = CLARKE.contract_numbers[0]
    body = (
        "Call from Mrs Emily Clarke. The engineer booked to service her boiler under her "
        f"maintenance contract {contract} did not turn up on 10 November, nor on the new slot "
        "on 17 November, and nobody called to warn her; she took two half-days off work. Very "
        "upset: asks for a written apology and compensation, and wants a manager to call her "
        "back. Told her the complaint is logged."
    )
    return InboxItem(
        file_name="10-phone-note.json",
        channel="phone",
        sent_time=sent,
        content=_short_message("phone", sender, sent, body, subject="Inbound call"),
        expectation=Expectation(
            party=CLARKE,
            category="complaint",
            case="H",
            relation="new case",
            evidence=f"caller {sender} is {CLARKE.phones[0]}; contract {contract}; name",
        ),
    )


def build_inbox(rng: random.Random, referential: tuple[Party, ...]) -> tuple[InboxItem, ...]:
    """Return the ten inbox items in the order they arrived.

    Raises ValueError if the referential does not hold an item's expected party, or if it
    holds the address that item 03 must come from unrecognised.
    """
    known = {identifier_key(value) for party in referential for value in party.identifiers()}
    if identifier_key(UNKNOWN_SENDER) in known:
        msg = f"{UNKNOWN_SENDER} must not be in the referential: item 03 tests that case"
        raise ValueError(msg)
    items = (
        _cancellation_letter(rng),
        _claim_email(),
        _invoice_dispute_email(),
        _new_address_email(),
        _returned_debit_sms(),
        _cancellation_follow_up_call(),
        _certificate_form(),
        _named_driver_chat(),
        _claim_chaser_sms(),
        _missed_appointment_call(),
    )
    for item in items:
        if item.expectation.party not in referential:
            party_id = item.expectation.party.party_id
            msg = f"{item.file_name}: party {party_id} is not in the referential"
            raise ValueError(msg)
    return items
