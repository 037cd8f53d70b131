"""A labelled cross-channel corpus for correlation: French and English requests from many
customers, by email, letter, SMS and phone notes, about 30% of them duplicates.

Each customer has demands (one matter each: a termination, a water-damage claim, a disputed
invoice…) with their own facts (dates, amounts, invoice and claim numbers, a room, a plate). A
demand arrives once, and sometimes again through another channel days or weeks later, written
anew: every sentence is drawn from a pool of paraphrases, facts are written in varied formats
and sometimes left out, SMS are short, phone notes are an agent's third-person summary, letters
go through OCR-like noise, anything may carry typos, and texts vary in length with unrelated
sentences. The hard negatives are built in: the same customer's other demands of the same kind
(another invoice, another claim), customers writing about the same kind of matter in the same
words at the same time (lookalikes), requests whose sender was not identified (the party is
unknown: only a shared reference or attachment links them), categories from an imperfect
classifier, and the customer's contract number in most of their requests whatever the matter.

Ground truth: ``demand_id``. The generator is seeded: the same seed gives the same corpus.

Usage: .venv/bin/python bench/correlate_corpus.py [--seed 7] [--customers 600] > corpus.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
CHANNELS = ("email", "mail", "sms", "phone")
UNKNOWN_SENDERS = {"email": 0.04, "mail": 0.06, "sms": 0.12, "phone": 0.02}
"""Share of requests whose sender the identity step could not name, per channel."""
FIRST_NAMES = [
    "Anne",
    "Bruno",
    "Claire",
    "David",
    "Emma",
    "François",
    "Gilles",
    "Hélène",
    "Inès",
    "Julien",
    "Karim",
    "Léa",
    "Marc",
    "Nadia",
    "Olivier",
    "Pauline",
    "Quentin",
    "Rose",
    "Samir",
    "Thomas",
    "Ursula",
    "Victor",
    "Wendy",
    "Xavier",
    "Yasmine",
    "Zoé",
    "James",
    "Mary",
    "Robert",
    "Linda",
    "Michael",
    "Susan",
    "William",
    "Karen",
    "Richard",
    "Nancy",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Davies",
    "Evans",
    "Clarke",
    "Walker",
    "Wright",
]
CITIES = [
    "Lyon",
    "Nantes",
    "Lille",
    "Rennes",
    "Tours",
    "Dijon",
    "Grenoble",
    "Brest",
    "Nancy",
    "Metz",
    "Rouen",
    "Caen",
    "Angers",
]
STREETS_FR = (
    "rue des Lilas",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue de la Paix",
    "impasse des Tilleuls",
    "chemin du Moulin",
    "rue Pasteur",
    "allée des Cerisiers",
)
STREETS_EN = (
    "Oak Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Mill Road",
    "High Street",
    "Victoria Road",
    "Green Lane",
)
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class CorpusRequest:
    """One request as correlate receives it, with its ground truth."""

    request_id: str
    demand_id: str
    customer_id: str
    party_id: str
    true_category: str
    category: str
    channel: str
    language: str
    subject: str
    text: str
    sent_time: str
    references: list[str] = field(default_factory=list)
    attachment_sha256s: list[str] = field(default_factory=list)


@dataclass
class Customer:
    """A customer and the identifiers they quote."""

    customer_id: str
    language: str
    first: str
    last: str
    contract: str
    customer_number: str
    city: str


Facts = dict[str, str]


# ---------------------------------------------------------------- writing facts in many ways


def _date(rng: random.Random, moment: datetime, language: str) -> str:
    day, month = moment.day, moment.month
    if language == "fr":
        forms = (
            f"{day:02d}/{month:02d}/{moment.year}",
            f"{day} {MONTHS_FR[month - 1]}",
            f"{day} {MONTHS_FR[month - 1]} {moment.year}",
            f"{day:02d}/{month:02d}",
        )
    else:
        forms = (
            f"{day:02d}/{month:02d}/{moment.year}",
            f"{MONTHS_EN[month - 1]} {day}",
            f"{day} {MONTHS_EN[month - 1]} {moment.year}",
            f"{MONTHS_EN[month - 1]} {day}, {moment.year}",
        )
    return rng.choice(forms)


def _amount(rng: random.Random, cents: int, language: str) -> str:
    euros, rest = divmod(cents, 100)
    if language == "fr":
        forms = (
            f"{euros},{rest:02d} €",
            f"{euros},{rest:02d} euros",
            f"{euros} €{rest:02d}",
            f"{euros},{rest:02d}€",
        )
    else:
        forms = (f"€{euros}.{rest:02d}", f"{euros}.{rest:02d} EUR", f"{euros}.{rest:02d} euros")
    return rng.choice(forms)


def _number(rng: random.Random, prefix: str, digits: str) -> str:
    return rng.choice(
        (
            f"{prefix}{digits}",
            f"{prefix}-{digits}",
            f"{prefix} {digits}",
            f"n° {prefix}{digits}" if prefix else digits,
        )
    )


# ---------------------------------------------------------------- kinds of demands


@dataclass(frozen=True)
class Kind:
    """A kind of demand: its category, how its facts are drawn, and its sentence pools."""

    category: str
    facts: Callable[[random.Random, Customer, datetime], Facts]
    subjects: dict[str, Sequence[str]]
    asks: dict[str, Sequence[str]]
    details: dict[str, Sequence[str]]
    sms: dict[str, Sequence[str]]
    notes: dict[str, Sequence[str]]


def _termination_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    end = when + timedelta(days=rng.randint(20, 90))
    reason = rng.randrange(4)
    return {
        "end_fr": _date(rng, end, "fr"),
        "end_en": _date(rng, end, "en"),
        "reason_fr": (
            "je déménage à l'étranger",
            "j'ai trouvé une offre moins chère",
            "je vends mon logement",
            "je pars en maison de retraite",
        )[reason],
        "reason_en": (
            "I am moving abroad",
            "I found a cheaper offer",
            "I am selling my home",
            "I am moving into a care home",
        )[reason],
    }


def _water_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    day = when - timedelta(days=rng.randint(0, 6))
    room = rng.randrange(5)
    cause = rng.randrange(4)
    return {
        "day_fr": _date(rng, day, "fr"),
        "day_en": _date(rng, day, "en"),
        "room_fr": ("la cuisine", "la salle de bain", "la chambre", "le salon", "le sous-sol")[
            room
        ],
        "room_en": (
            "the kitchen",
            "the bathroom",
            "the bedroom",
            "the living room",
            "the basement",
        )[room],
        "cause_fr": (
            "une fuite chez le voisin du dessus",
            "une canalisation qui a éclaté",
            "le chauffe-eau qui a lâché",
            "une infiltration par la toiture",
        )[cause],
        "cause_en": (
            "a leak from the upstairs neighbour",
            "a burst pipe",
            "the water heater breaking down",
            "water coming through the roof",
        )[cause],
        "claim": f"SIN{rng.randint(100000, 999999)}",
    }


def _invoice_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    month = (when.month - 2) % 12
    cents = rng.randint(4000, 90000)
    reason = rng.randrange(4)
    return {
        "invoice": f"FAC{rng.randint(1000000, 9999999)}",
        "month_fr": MONTHS_FR[month],
        "month_en": MONTHS_EN[month],
        "amount_fr": _amount(rng, cents, "fr"),
        "amount_en": _amount(rng, cents, "en"),
        "why_fr": (
            "le montant a été prélevé deux fois",
            "la consommation est estimée et bien trop élevée",
            "on me facture une option que je n'ai jamais demandée",
            "le tarif appliqué n'est pas celui du contrat",
        )[reason],
        "why_en": (
            "the amount was debited twice",
            "the usage is estimated and far too high",
            "I am charged for an option I never asked for",
            "the price applied is not the one in my contract",
        )[reason],
    }


def _address_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    move = when + timedelta(days=rng.randint(5, 40))
    number = rng.randint(1, 120)
    city = rng.choice(CITIES)
    return {
        "street_fr": f"{number} {rng.choice(STREETS_FR)}, {rng.randint(10, 95)}000 {city}",
        "street_en": f"{number} {rng.choice(STREETS_EN)}, {city}",
        "move_fr": _date(rng, move, "fr"),
        "move_en": _date(rng, move, "en"),
    }


def _meter_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    kind = rng.randrange(3)
    return {
        "meter_fr": ("gaz", "électricité", "eau")[kind],
        "meter_en": ("gas", "electricity", "water")[kind],
        "index": str(rng.randint(1000, 99999)),
        "read_fr": _date(rng, when - timedelta(days=rng.randint(0, 3)), "fr"),
        "read_en": _date(rng, when - timedelta(days=rng.randint(0, 3)), "en"),
    }


def _payment_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    cents = rng.randint(20000, 300000)
    why = rng.randrange(3)
    return {
        "owed_fr": _amount(rng, cents, "fr"),
        "owed_en": _amount(rng, cents, "en"),
        "months": str(rng.choice((3, 4, 6, 10, 12))),
        "why_fr": ("j'ai perdu mon emploi", "je suis en arrêt maladie", "mon conjoint est parti")[
            why
        ],
        "why_en": ("I lost my job", "I am on sick leave", "my partner left")[why],
    }


def _certificate_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    kind = rng.randrange(3)
    return {
        "doc_fr": (
            "une attestation d'assurance habitation",
            "une attestation fiscale",
            "un relevé d'information",
        )[kind],
        "doc_en": (
            "a home insurance certificate",
            "a tax certificate",
            "a statement of my claims history",
        )[kind],
        "year": str(when.year - rng.randint(0, 1)),
        "for_fr": rng.choice(("mon propriétaire", "ma banque", "l'école", "mon nouvel assureur")),
        "for_en": rng.choice(("my landlord", "my bank", "the school", "my new insurer")),
    }


def _car_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    plate = (
        f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(100, 999)}-"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )
    place = rng.randrange(4)
    return {
        "plate": plate,
        "day_fr": _date(rng, when - timedelta(days=rng.randint(0, 5)), "fr"),
        "day_en": _date(rng, when - timedelta(days=rng.randint(0, 5)), "en"),
        "place_fr": (
            "sur le parking du supermarché",
            "à un rond-point",
            "dans ma rue",
            "sur l'autoroute",
        )[place],
        "place_en": (
            "in the supermarket car park",
            "at a roundabout",
            "in my street",
            "on the motorway",
        )[place],
        "claim": f"SIN{rng.randint(100000, 999999)}",
    }


def _technician_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    visit = when - timedelta(days=rng.randint(1, 10))
    what = rng.randrange(3)
    return {
        "visit_fr": _date(rng, visit, "fr"),
        "visit_en": _date(rng, visit, "en"),
        "what_fr": (
            "le technicien n'est jamais venu",
            "le technicien a abîmé mon parquet",
            "la chaudière ne marche toujours pas après son passage",
        )[what],
        "what_en": (
            "the technician never came",
            "the technician damaged my floor",
            "the boiler still does not work after his visit",
        )[what],
    }


def _bank_facts(rng: random.Random, customer: Customer, when: datetime) -> Facts:
    return {
        "iban": f"FR76 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} "
        f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "from_fr": _date(rng, when + timedelta(days=rng.randint(5, 30)), "fr"),
        "from_en": _date(rng, when + timedelta(days=rng.randint(5, 30)), "en"),
        "bank": rng.choice(("Crédit Mutuel", "BNP", "La Banque Postale", "Boursorama", "LCL")),
    }


KINDS: tuple[Kind, ...] = (
    Kind(
        "termination",
        _termination_facts,
        {
            "fr": (
                "Résiliation de contrat",
                "Demande de résiliation",
                "Résilier mon contrat",
                "Fin de contrat",
            ),
            "en": (
                "Contract termination",
                "Cancel my contract",
                "Termination request",
                "Ending my policy",
            ),
        },
        {
            "fr": (
                "Je souhaite résilier mon contrat {contract}.",
                "Je vous demande de mettre fin à mon contrat {contract}.",
                "Merci de procéder à la résiliation de mon contrat.",
                "Par la présente, je résilie le contrat {contract}.",
                "Je voudrais arrêter mon abonnement.",
            ),
            "en": (
                "I would like to cancel my contract {contract}.",
                "Please terminate my policy {contract}.",
                "I am writing to end my contract.",
                "I want to stop my subscription {contract}.",
            ),
        },
        {
            "fr": (
                "La résiliation doit prendre effet le {end_fr}.",
                "Motif : {reason_fr}.",
                "En effet, {reason_fr}.",
                "Je souhaite que ce soit effectif au {end_fr}.",
                "Merci de me confirmer la date de fin par écrit.",
            ),
            "en": (
                "It should take effect on {end_en}.",
                "The reason: {reason_en}.",
                "This is because {reason_en}.",
                "Please make it effective from {end_en}.",
                "Please confirm the end date in writing.",
            ),
        },
        {
            "fr": (
                "Bjr je veux resilier mon contrat {contract} au {end_fr} merci",
                "resiliation contrat svp, effet {end_fr}",
                "Bonjour, pouvez vous arreter mon contrat ? {reason_fr}",
            ),
            "en": (
                "Hi pls cancel my contract {contract} from {end_en} thx",
                "cancel contract please, {reason_en}",
                "Hello, can you end my policy on {end_en}",
            ),
        },
        {
            "fr": (
                "Client souhaite résilier son contrat {contract} au {end_fr} ({reason_fr}).",
                "Appel pour résiliation, motif : {reason_fr}. Date souhaitée {end_fr}.",
                "Demande de résiliation par téléphone, confirmer par courrier.",
            ),
            "en": (
                "Customer wants to cancel contract {contract} from {end_en} ({reason_en}).",
                "Call about termination, reason: {reason_en}. Wanted date {end_en}.",
                "Termination requested by phone, send written confirmation.",
            ),
        },
    ),
    Kind(
        "water_damage",
        _water_facts,
        {
            "fr": (
                "Déclaration de sinistre",
                "Dégât des eaux",
                "Sinistre dégât des eaux",
                "Fuite d'eau dans mon logement",
            ),
            "en": (
                "Water damage claim",
                "Claim: water damage",
                "Leak in my home",
                "Reporting a water leak",
            ),
        },
        {
            "fr": (
                "Je déclare un dégât des eaux survenu le {day_fr}.",
                "Je vous informe d'un sinistre dégât des eaux dans {room_fr}.",
                "Suite à {cause_fr}, {room_fr} est inondée.",
                "J'ai subi une inondation dans {room_fr} le {day_fr}.",
            ),
            "en": (
                "I am reporting water damage that happened on {day_en}.",
                "I need to declare a water damage claim for {room_en}.",
                "Because of {cause_en}, {room_en} got flooded.",
                "My {room_en} was flooded on {day_en}.",
            ),
        },
        {
            "fr": (
                "La cause : {cause_fr}.",
                "Les dégâts concernent {room_fr}.",
                "Pouvez-vous envoyer un expert ?",
                "Je joins des photos des dégâts.",
                "Le sinistre porte le numéro {claim}.",
                "Cela s'est produit le {day_fr}.",
            ),
            "en": (
                "It was caused by {cause_en}.",
                "The damage is in {room_en}.",
                "Can you send an assessor?",
                "I attach photos of the damage.",
                "The claim number is {claim}.",
                "It happened on {day_en}.",
            ),
        },
        {
            "fr": (
                "Degat des eaux ds {room_fr} le {day_fr}, que faire ?",
                "fuite chez moi {room_fr} inondee, rappelez moi svp",
                "Bonjour sinistre {claim} ou en est le dossier",
            ),
            "en": (
                "water damage in {room_en} on {day_en}, what do I do?",
                "leak at home, {room_en} flooded, call me back pls",
                "hi any news on claim {claim}",
            ),
        },
        {
            "fr": (
                "Client déclare un dégât des eaux le {day_fr} dans {room_fr}, cause : {cause_fr}.",
                "Appel sinistre : {room_fr} inondée suite à {cause_fr}. Envoyer expert.",
                "Relance du client sur le sinistre {claim}, {room_fr}.",
            ),
            "en": (
                "Customer reports water damage on {day_en} in {room_en}, caused by {cause_en}.",
                "Claim call: {room_en} flooded after {cause_en}. Send an assessor.",
                "Customer chasing claim {claim} ({room_en}).",
            ),
        },
    ),
    Kind(
        "billing_dispute",
        _invoice_facts,
        {
            "fr": (
                "Contestation de facture",
                "Erreur sur ma facture",
                "Réclamation facture",
                "Facture de {month_fr}",
            ),
            "en": ("Invoice dispute", "Wrong invoice", "Billing complaint", "My {month_en} bill"),
        },
        {
            "fr": (
                "Je conteste la facture {invoice} de {month_fr}.",
                "Ma facture du mois de {month_fr} est erronée.",
                "Je ne suis pas d'accord avec la facture de {amount_fr}.",
                "Je vous écris au sujet de la facture {invoice}.",
            ),
            "en": (
                "I dispute invoice {invoice} for {month_en}.",
                "My {month_en} bill is wrong.",
                "I do not agree with the bill of {amount_en}.",
                "I am writing about invoice {invoice}.",
            ),
        },
        {
            "fr": (
                "Le montant de {amount_fr} est anormal.",
                "En effet, {why_fr}.",
                "Merci de corriger et de me rembourser la différence.",
                "Il s'agit de la facture {invoice}.",
                "Elle date de {month_fr}.",
            ),
            "en": (
                "The amount of {amount_en} is not right.",
                "The problem: {why_en}.",
                "Please correct it and refund the difference.",
                "It is invoice {invoice}.",
                "It is the one from {month_en}.",
            ),
        },
        {
            "fr": (
                "facture {month_fr} {amount_fr} c pas normal, {why_fr}",
                "Bonjour, erreur facture {invoice} merci de rappeler",
                "pourquoi {amount_fr} sur la facture de {month_fr} ??",
            ),
            "en": (
                "{month_en} bill {amount_en} is wrong, {why_en}",
                "hi, invoice {invoice} is wrong pls call",
                "why {amount_en} on my {month_en} bill??",
            ),
        },
        {
            "fr": (
                "Client conteste la facture {invoice} ({amount_fr}) : {why_fr}.",
                "Appel réclamation facture de {month_fr}, montant {amount_fr}.",
                "Conteste facture, dit que {why_fr}. Vérifier et rappeler.",
            ),
            "en": (
                "Customer disputes invoice {invoice} ({amount_en}): {why_en}.",
                "Call about the {month_en} bill, amount {amount_en}.",
                "Disputes bill, says {why_en}. Check and call back.",
            ),
        },
    ),
    Kind(
        "address_change",
        _address_facts,
        {
            "fr": (
                "Changement d'adresse",
                "Nouvelle adresse",
                "Déménagement",
                "Mise à jour de mes coordonnées",
            ),
            "en": ("Change of address", "New address", "Moving house", "Updating my details"),
        },
        {
            "fr": (
                "Je déménage le {move_fr}.",
                "Merci de noter ma nouvelle adresse.",
                "Je vous informe de mon changement d'adresse.",
                "Mon adresse change à compter du {move_fr}.",
            ),
            "en": (
                "I am moving on {move_en}.",
                "Please record my new address.",
                "I am letting you know that my address changes.",
                "From {move_en} my address will be different.",
            ),
        },
        {
            "fr": (
                "Ma nouvelle adresse : {street_fr}.",
                "J'habiterai au {street_fr}.",
                "Merci d'envoyer désormais le courrier au {street_fr}.",
                "Le déménagement a lieu le {move_fr}.",
            ),
            "en": (
                "My new address is {street_en}.",
                "I will live at {street_en}.",
                "Please send letters to {street_en} from now on.",
                "The move is on {move_en}.",
            ),
        },
        {
            "fr": (
                "nouvelle adresse {street_fr} a partir du {move_fr}",
                "Bonjour je demenage, adresse : {street_fr}",
            ),
            "en": ("new address {street_en} from {move_en}", "hi I'm moving, address: {street_en}"),
        },
        {
            "fr": (
                "Client signale un déménagement le {move_fr}, nouvelle adresse {street_fr}.",
                "Changement d'adresse par téléphone : {street_fr}.",
            ),
            "en": (
                "Customer moving on {move_en}, new address {street_en}.",
                "Address change by phone: {street_en}.",
            ),
        },
    ),
    Kind(
        "meter_reading",
        _meter_facts,
        {
            "fr": ("Relevé de compteur", "Index compteur {meter_fr}", "Mon relevé", "Auto-relevé"),
            "en": ("Meter reading", "{meter_en} meter reading", "My reading", "Self reading"),
        },
        {
            "fr": (
                "Voici mon relevé de compteur {meter_fr}.",
                "Je vous transmets l'index de mon compteur de {meter_fr}.",
                "Mon compteur de {meter_fr} indique {index}.",
                "Je vous communique mon auto-relevé.",
            ),
            "en": (
                "Here is my {meter_en} meter reading.",
                "I am sending the reading of my {meter_en} meter.",
                "My {meter_en} meter shows {index}.",
                "Please find my self reading.",
            ),
        },
        {
            "fr": (
                "L'index est de {index}.",
                "Relevé effectué le {read_fr}.",
                "Merci de l'utiliser pour ma prochaine facture.",
                "Le compteur affichait {index} le {read_fr}.",
            ),
            "en": (
                "The index is {index}.",
                "I read it on {read_en}.",
                "Please use it for my next bill.",
                "The meter showed {index} on {read_en}.",
            ),
        },
        {
            "fr": ("releve {meter_fr} {index}", "index compteur {index} le {read_fr}"),
            "en": ("{meter_en} reading {index}", "meter {index} on {read_en}"),
        },
        {
            "fr": (
                "Client donne son index {meter_fr} : {index} (relevé du {read_fr}).",
                "Relevé communiqué par téléphone : {index}.",
            ),
            "en": (
                "Customer gives {meter_en} index {index} (read on {read_en}).",
                "Reading given by phone: {index}.",
            ),
        },
    ),
    Kind(
        "payment_plan",
        _payment_facts,
        {
            "fr": (
                "Demande d'échéancier",
                "Difficultés de paiement",
                "Délai de paiement",
                "Étalement de ma dette",
            ),
            "en": (
                "Payment plan request",
                "Trouble paying",
                "More time to pay",
                "Spreading my payments",
            ),
        },
        {
            "fr": (
                "Je ne peux pas régler les {owed_fr} en une fois.",
                "Je sollicite un échéancier pour ma dette de {owed_fr}.",
                "Pourriez-vous m'accorder un délai de paiement ?",
                "Je rencontre des difficultés financières.",
            ),
            "en": (
                "I cannot pay the {owed_en} at once.",
                "I ask for a payment plan for {owed_en}.",
                "Could you give me more time to pay?",
                "I am in financial difficulty.",
            ),
        },
        {
            "fr": (
                "La raison : {why_fr}.",
                "Je propose de payer en {months} mois.",
                "Un étalement sur {months} mois me conviendrait.",
                "Le solde dû est de {owed_fr}.",
            ),
            "en": (
                "The reason is that {why_en}.",
                "I suggest paying over {months} months.",
                "Spreading it over {months} months would help.",
                "The balance is {owed_en}.",
            ),
        },
        {
            "fr": (
                "je peux pas payer {owed_fr}, echeancier {months} mois possible ?",
                "Bonjour {why_fr}, besoin d'un delai svp",
            ),
            "en": (
                "can't pay {owed_en}, plan over {months} months possible?",
                "hi {why_en}, need more time to pay",
            ),
        },
        {
            "fr": (
                "Client demande un échéancier sur {months} mois pour {owed_fr} ({why_fr}).",
                "Difficultés de paiement, {why_fr}. Proposer un plan.",
            ),
            "en": (
                "Customer asks for a {months}-month plan for {owed_en} ({why_en}).",
                "Payment difficulties, {why_en}. Offer a plan.",
            ),
        },
    ),
    Kind(
        "certificate",
        _certificate_facts,
        {
            "fr": (
                "Demande d'attestation",
                "Attestation {year}",
                "Besoin d'un document",
                "Envoi d'attestation",
            ),
            "en": (
                "Certificate request",
                "Certificate {year}",
                "I need a document",
                "Please send a certificate",
            ),
        },
        {
            "fr": (
                "Pourriez-vous m'envoyer {doc_fr} ?",
                "J'ai besoin de {doc_fr} pour {year}.",
                "Je vous demande {doc_fr}.",
                "Merci de me faire parvenir {doc_fr}.",
            ),
            "en": (
                "Could you send me {doc_en}?",
                "I need {doc_en} for {year}.",
                "I am asking for {doc_en}.",
                "Please send me {doc_en}.",
            ),
        },
        {
            "fr": (
                "C'est pour {for_fr}.",
                "Il me la faut rapidement.",
                "Pour l'année {year}.",
                "{for_fr} me la réclame.",
            ),
            "en": (
                "It is for {for_en}.",
                "I need it quickly.",
                "For the year {year}.",
                "{for_en} is asking for it.",
            ),
        },
        {
            "fr": ("besoin {doc_fr} {year} pour {for_fr}", "attestation svp c urgent"),
            "en": ("need {doc_en} {year} for {for_en}", "certificate please urgent"),
        },
        {
            "fr": (
                "Client demande {doc_fr} ({year}) pour {for_fr}.",
                "Demande d'attestation par téléphone, à envoyer par mail.",
            ),
            "en": (
                "Customer asks for {doc_en} ({year}) for {for_en}.",
                "Certificate requested by phone, send by email.",
            ),
        },
    ),
    Kind(
        "car_claim",
        _car_facts,
        {
            "fr": (
                "Sinistre automobile",
                "Accident de voiture",
                "Déclaration d'accident",
                "Accrochage {plate}",
            ),
            "en": ("Car accident claim", "Car crash", "Accident report", "Collision {plate}"),
        },
        {
            "fr": (
                "J'ai eu un accident le {day_fr} avec mon véhicule {plate}.",
                "Je déclare un accrochage survenu {place_fr}.",
                "Mon véhicule immatriculé {plate} a été endommagé.",
                "Je vous signale un sinistre auto du {day_fr}.",
            ),
            "en": (
                "I had an accident on {day_en} with my car {plate}.",
                "I am reporting a collision {place_en}.",
                "My car, registration {plate}, was damaged.",
                "I need to report a car claim from {day_en}.",
            ),
        },
        {
            "fr": (
                "Cela s'est passé {place_fr}.",
                "Le constat amiable est joint.",
                "L'autre conducteur a reconnu sa faute.",
                "Le dossier porte le numéro {claim}.",
                "La voiture est au garage.",
            ),
            "en": (
                "It happened {place_en}.",
                "The accident report is attached.",
                "The other driver admitted fault.",
                "The claim number is {claim}.",
                "The car is at the garage.",
            ),
        },
        {
            "fr": (
                "accident {place_fr} voiture {plate}, je fais quoi",
                "sinistre {claim} des news ?",
            ),
            "en": ("accident {place_en}, car {plate}, what now", "claim {claim} any news?"),
        },
        {
            "fr": (
                "Client déclare un accident {place_fr} le {day_fr}, véhicule {plate}.",
                "Relance sinistre auto {claim}, véhicule {plate}.",
            ),
            "en": (
                "Customer reports an accident {place_en} on {day_en}, car {plate}.",
                "Chasing car claim {claim}, car {plate}.",
            ),
        },
    ),
    Kind(
        "technician_complaint",
        _technician_facts,
        {
            "fr": (
                "Réclamation intervention",
                "Problème avec le technicien",
                "Mécontentement",
                "Intervention du {visit_fr}",
            ),
            "en": (
                "Complaint about a visit",
                "Problem with the technician",
                "Unhappy customer",
                "Visit on {visit_en}",
            ),
        },
        {
            "fr": (
                "Je me plains de l'intervention du {visit_fr}.",
                "Je suis très mécontent : {what_fr}.",
                "Le rendez-vous du {visit_fr} s'est mal passé.",
                "Je souhaite déposer une réclamation.",
            ),
            "en": (
                "I am complaining about the visit on {visit_en}.",
                "I am very unhappy: {what_en}.",
                "The appointment on {visit_en} went badly.",
                "I want to make a complaint.",
            ),
        },
        {
            "fr": (
                "En effet, {what_fr}.",
                "J'attends un geste commercial.",
                "Merci de me proposer un nouveau rendez-vous.",
                "J'avais pris ma journée.",
            ),
            "en": (
                "The fact is {what_en}.",
                "I expect some compensation.",
                "Please offer me a new appointment.",
                "I had taken the day off.",
            ),
        },
        {
            "fr": ("rdv du {visit_fr} : {what_fr} !!", "technicien pas venu, rappelez moi"),
            "en": ("appointment {visit_en}: {what_en}!!", "technician didn't show up, call me"),
        },
        {
            "fr": (
                "Client mécontent de l'intervention du {visit_fr} : {what_fr}.",
                "Réclamation : {what_fr}. Proposer nouveau RDV.",
            ),
            "en": (
                "Customer unhappy with the visit on {visit_en}: {what_en}.",
                "Complaint: {what_en}. Offer a new appointment.",
            ),
        },
    ),
    Kind(
        "bank_details",
        _bank_facts,
        {
            "fr": (
                "Changement de RIB",
                "Nouveau RIB",
                "Coordonnées bancaires",
                "Prélèvement sur un autre compte",
            ),
            "en": (
                "New bank details",
                "Change of bank account",
                "Direct debit account",
                "Updating my bank details",
            ),
        },
        {
            "fr": (
                "Je change de banque, voici mon nouveau RIB.",
                "Merci de prélever désormais sur mon compte {bank}.",
                "Mes coordonnées bancaires changent.",
                "Je vous transmets mon nouvel IBAN.",
            ),
            "en": (
                "I am switching banks, here are my new details.",
                "Please take the direct debit from my {bank} account.",
                "My bank details are changing.",
                "Here is my new IBAN.",
            ),
        },
        {
            "fr": (
                "IBAN : {iban}.",
                "À partir du {from_fr}.",
                "Ma nouvelle banque est {bank}.",
                "Le RIB est joint.",
            ),
            "en": (
                "IBAN: {iban}.",
                "Starting {from_en}.",
                "My new bank is {bank}.",
                "The bank statement is attached.",
            ),
        },
        {
            "fr": ("nouveau rib {bank} a partir du {from_fr}",),
            "en": ("new bank {bank} from {from_en}",),
        },
        {
            "fr": ("Client change de RIB ({bank}) à compter du {from_fr}.",),
            "en": ("Customer changes bank details ({bank}) from {from_en}.",),
        },
    ),
)

REPEATABLE = {
    "billing_dispute": ("invoice",),
    "water_damage": ("claim", "room_fr"),
    "car_claim": ("claim", "place_fr"),
    "meter_reading": ("index",),
    "technician_complaint": ("visit_fr", "what_fr"),
    "certificate": ("doc_fr",),
}
"""Kinds a customer may have two demands of at once, and the facts that then differ: one
customer has one contract to terminate and one address, but several invoices and claims."""

FILLERS = {
    "fr": (
        "Je suis client chez vous depuis de nombreuses années.",
        "Par ailleurs, votre site internet ne fonctionne pas bien.",
        "Je suis joignable en journée.",
        "Mon numéro client est {customer_number}.",
        "Je vous remercie par avance de votre retour rapide.",
        "Ce n'est pas la première fois que j'ai un souci.",
        "J'espère une réponse sous huit jours.",
    ),
    "en": (
        "I have been a customer for many years.",
        "By the way, your website does not work well.",
        "You can reach me during the day.",
        "My customer number is {customer_number}.",
        "Thank you in advance for a quick answer.",
        "This is not the first time I have had a problem.",
        "I hope to hear from you within a week.",
    ),
}
REMINDERS = {
    "fr": (
        "Je vous ai déjà écrit à ce sujet il y a quelques jours.",
        "Je reviens vers vous car je n'ai pas eu de réponse.",
        "Suite à mon courrier, je me permets de relancer.",
        "Je vous ai envoyé un mail mais rien ne bouge.",
    ),
    "en": (
        "I already wrote to you about this a few days ago.",
        "I am following up as I had no answer.",
        "Further to my letter, I am chasing this up.",
        "I sent an email but nothing has happened.",
    ),
}
GREETINGS = {
    "fr": ("Bonjour,", "Madame, Monsieur,", "Bonjour Madame, Monsieur,", ""),
    "en": ("Hello,", "Dear Sir or Madam,", "Hi,", ""),
}
CLOSINGS = {
    "fr": (
        "Cordialement,",
        "Bien à vous,",
        "Merci d'avance.",
        "Veuillez agréer, Madame, Monsieur, mes salutations distinguées.",
    ),
    "en": ("Kind regards,", "Best regards,", "Thanks in advance.", "Yours faithfully,"),
}


# ---------------------------------------------------------------- noise


_OCR_CONFUSIONS = (
    ("l", "1"),
    ("o", "0"),
    ("rn", "m"),
    ("e", "c"),
    ("é", "e"),
    ("i", "l"),
    ("S", "5"),
    ("B", "8"),
    ("a", "o"),
    ("u", "v"),
)


def _typos(rng: random.Random, text: str, rate: float) -> str:
    out = []
    for char in text:
        roll = rng.random()
        if char.isalpha() and roll < rate:
            kind = rng.randrange(3)
            if kind == 0:
                continue
            if kind == 1:
                out.append(char + char)
                continue
            out.append(rng.choice("azertyuiopqsdfghjklmwxcvbn"))
            continue
        out.append(char)
    return "".join(out)


def _ocr(rng: random.Random, text: str, rate: float) -> str:
    for wrong, right in _OCR_CONFUSIONS:
        text = re.sub(
            re.escape(wrong),
            lambda m, right=right: right if rng.random() < rate else m.group(),
            text,
        )
    words = text.split(" ")
    for index in range(len(words)):
        if rng.random() < rate / 2 and len(words[index]) > 6:
            cut = rng.randrange(2, len(words[index]) - 2)
            words[index] = words[index][:cut] + rng.choice((" ", "-\n")) + words[index][cut:]
    return " ".join(words)


def _strip_accents_sms(text: str) -> str:
    return (
        text.replace("é", "e")
        .replace("è", "e")
        .replace("à", "a")
        .replace("ê", "e")
        .replace("ç", "c")
        .replace("ô", "o")
    )


# ---------------------------------------------------------------- writing one request


def _fill(template: str, facts: Facts, customer: Customer) -> str:
    values = {**facts, "contract": customer.contract, "customer_number": customer.customer_number}
    return template.format(**values)


def _write(
    rng: random.Random,
    kind: Kind,
    facts: Facts,
    customer: Customer,
    *,
    channel: str,
    language: str,
    reminder: bool,
) -> tuple[str, str]:
    """Subject and text of one request of a demand through ``channel``."""

    def pick(pool: Sequence[str], count: int) -> list[str]:
        return [_fill(t, facts, customer) for t in rng.sample(list(pool), min(count, len(pool)))]

    if channel == "sms":
        text = pick(kind.sms[language], 1)[0]
        if rng.random() < 0.3:
            text += f" {customer.contract}"
        return "", _typos(rng, _strip_accents_sms(text), 0.03)
    if channel == "phone":
        note = pick(kind.notes[language], 1)
        if reminder:
            note.insert(0, "Relance." if language == "fr" else "Follow-up call.")
        if rng.random() < 0.6:
            note.append(
                ("Contrat {contract}." if language == "fr" else "Contract {contract}.").format(
                    contract=customer.contract
                )
            )
        return "", _typos(rng, " ".join(note), 0.01)
    sentences = pick(kind.asks[language], rng.choice((1, 1, 2)))
    sentences += pick(kind.details[language], rng.randint(1, 3))
    if reminder and rng.random() < 0.7:
        sentences.insert(0, rng.choice(REMINDERS[language]))
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        sentences.insert(
            rng.randrange(len(sentences) + 1), _fill(rng.choice(FILLERS[language]), facts, customer)
        )
    if rng.random() < 0.7:
        sentences.append(
            ("Contrat n° {c}." if language == "fr" else "Contract no. {c}.").format(
                c=customer.contract
            )
        )
    greeting = rng.choice(GREETINGS[language])
    closing = rng.choice(CLOSINGS[language])
    name = rng.choice(
        (
            f"{customer.first} {customer.last}",
            f"{customer.last.upper()} {customer.first}",
            f"{customer.first[0]}. {customer.last}",
        )
    )
    subject = _fill(rng.choice(kind.subjects[language]), facts, customer)
    if channel == "mail":
        header = (
            f"{name}\n{customer.city}\n\nObjet : {subject}\n\n"
            if language == "fr"
            else (f"{name}\n{customer.city}\n\nRe: {subject}\n\n")
        )
        body = header + "\n".join(filter(None, [greeting, " ".join(sentences), closing, name]))
        return "", _ocr(rng, body, rng.choice((0.0, 0.02, 0.05, 0.1)))
    if reminder and rng.random() < 0.5:
        subject = (
            "RE: " if rng.random() < 0.5 else "Relance : " if language == "fr" else "Reminder: "
        ) + subject
    body = "\n".join(filter(None, [greeting, " ".join(sentences), closing, name]))
    return subject, _typos(rng, body, rng.choice((0.0, 0.005, 0.02)))


_REFERENCE = re.compile(r"\b(?:[A-Za-z]{2,5}[-]?)?\d[\d]{3,}\b")


def extract_references(subject: str, text: str) -> list[str]:
    """Number-like tokens, as the identity step extracts them (upper case, letters and digits)."""
    found = [
        re.sub(r"[^A-Z0-9]", "", m.group().upper())
        for m in _REFERENCE.finditer(f"{subject}\n{text}")
    ]
    return list(dict.fromkeys(f for f in found if not re.fullmatch(r"(19|20)\d\d", f)))


# ---------------------------------------------------------------- the corpus


def _customer(rng: random.Random, number: int) -> Customer:
    return Customer(
        customer_id=f"C{number:05d}",
        language="fr" if rng.random() < 0.7 else "en",
        first=rng.choice(FIRST_NAMES),
        last=rng.choice(LAST_NAMES),
        contract=f"CTR{rng.randint(10000000, 99999999)}",
        customer_number=f"CLI{rng.randint(100000, 999999)}",
        city=rng.choice(CITIES),
    )


def _category_seen(rng: random.Random, true: str) -> str:
    roll = rng.random()
    if roll < 0.90:
        return true
    if roll < 0.96:
        return ""  # the classifier abstained
    return rng.choice([k.category for k in KINDS if k.category != true])


def _recent(demands: Sequence[tuple[Kind, Facts, datetime]], kind: Kind, when: datetime) -> bool:
    """Whether the customer had a demand of ``kind`` within 120 days of ``when``."""
    return any(k is kind and abs((w - when).days) < 120 for k, _, w in demands)


def generate(seed: int, customers: int) -> list[CorpusRequest]:
    """The corpus for ``customers`` customers over a year, in arrival order."""
    rng = random.Random(seed)
    requests: list[CorpusRequest] = []
    demand_number = 0
    for number in range(customers):
        customer = _customer(rng, number)
        demands: list[tuple[Kind, Facts, datetime]] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
            if demands and rng.random() < 0.3:
                # Another matter raised in the same weeks as an earlier one.
                when = demands[-1][2] + timedelta(days=rng.uniform(0, 20), hours=rng.uniform(0, 8))
            else:
                when = START + timedelta(days=rng.uniform(0, 330), hours=rng.uniform(0, 10))
            kind = rng.choice(
                [k for k in KINDS if k.category in REPEATABLE or not _recent(demands, k, when)]
            )
            demands.append((kind, kind.facts(rng, customer, when), when))
            if kind.category in REPEATABLE and rng.random() < 0.2:
                # Another demand of the same kind soon after: another invoice, another claim.
                later = when + timedelta(days=rng.uniform(1, 30))
                facts = kind.facts(rng, customer, later)
                while any(facts[k] == demands[-1][1][k] for k in REPEATABLE[kind.category]):
                    facts = kind.facts(rng, customer, later)
                demands.append((kind, facts, later))
        for kind, facts, when in demands:
            demand_number += 1
            demand_id = f"D{demand_number:06d}"
            extra = rng.choices((0, 1, 2), weights=(63, 30, 7))[0]
            channels = (
                rng.sample(CHANNELS, 1 + extra)
                if rng.random() < 0.8
                else [rng.choice(CHANNELS) for _ in range(1 + extra)]
            )
            moments = sorted(
                when + timedelta(days=rng.choice((0, rng.uniform(0, 3), rng.uniform(2, 25))))
                for _ in range(extra)
            )
            attachment = hashlib.sha256(f"{demand_id}-photo".encode()).hexdigest()
            for position, (channel, moment) in enumerate(
                zip(channels, [when, *moments], strict=True)
            ):
                language = (
                    customer.language
                    if rng.random() < 0.98
                    else ("en" if customer.language == "fr" else "fr")
                )
                subject, text = _write(
                    rng,
                    kind,
                    facts,
                    customer,
                    channel=channel,
                    language=language,
                    reminder=position > 0,
                )
                unknown = rng.random() < UNKNOWN_SENDERS[channel]
                attachments = [attachment] if channel == "email" and rng.random() < 0.35 else []
                requests.append(
                    CorpusRequest(
                        request_id=f"R{len(requests) + 1:06d}",
                        demand_id=demand_id,
                        customer_id=customer.customer_id,
                        party_id="" if unknown else customer.customer_id,
                        true_category=kind.category,
                        category=_category_seen(rng, kind.category),
                        channel=channel,
                        language=language,
                        subject=subject,
                        text=text,
                        sent_time=moment.isoformat(),
                        references=extract_references(subject, text),
                        attachment_sha256s=attachments,
                    )
                )
    requests.sort(key=lambda r: (r.sent_time, r.request_id))
    return requests


def main() -> None:
    """Writes the corpus as JSON lines on standard output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=600)
    arguments = parser.parse_args()
    for request in generate(arguments.seed, arguments.customers):
        sys.stdout.write(json.dumps(asdict(request), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
