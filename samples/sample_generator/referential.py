"""The sample customer referential: a few parties the inbox tells a story about, and filler.

The key parties are written out by hand because the inbox and EXPECTED.md refer to them; the
filler is drawn from name pools with a seeded generator so that the referential looks like a
real CRM export (varied phone formats, several contracts, organisations) without being typed.
"""

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MULTI_VALUE_SEPARATOR = ";"
HEADER = (
    "party_id",
    "kind",
    "display_name",
    "emails",
    "phones",
    "customer_numbers",
    "contract_numbers",
    "postal_address",
)
PARTY_COUNT = 60


class PartyKind(StrEnum):
    """Whether a party is a natural person or an organisation."""

    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Party:
    """One row of the referential, as the CRM exports it."""

    party_id: str
    kind: PartyKind
    display_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    customer_numbers: tuple[str, ...]
    contract_numbers: tuple[str, ...]
    postal_address: str

    def identifiers(self) -> tuple[str, ...]:
        """Every identifier the party holds: emails, phones, customer and contract numbers."""
        return (*self.emails, *self.phones, *self.customer_numbers, *self.contract_numbers)

    def csv_row(self) -> tuple[str, ...]:
        """Return the row in HEADER order, multi-valued columns joined by ';'."""
        return (
            self.party_id,
            self.kind.value,
            self.display_name,
            MULTI_VALUE_SEPARATOR.join(self.emails),
            MULTI_VALUE_SEPARATOR.join(self.phones),
            MULTI_VALUE_SEPARATOR.join(self.customer_numbers),
            MULTI_VALUE_SEPARATOR.join(self.contract_numbers),
            self.postal_address,
        )


# Phone numbers are taken from the ranges that regulators keep for fiction: ARCEP's
# 06 39 98 / 0x xx xx (France) and Ofcom's 07700 900 / 020 7946 0 (United Kingdom).
LEMAIRE = Party(
    party_id="P-004127",
    kind=PartyKind.PERSON,
    display_name="Martine Lemaire",
    emails=("martine.lemaire@example.net", "m.lemaire56@example.com"),
    phones=("06 39 98 14 27",),
    customer_numbers=("CLI604812",),
    contract_numbers=("CTR-20190342", "CTR-20210577"),
    postal_address="17 rue des Écoles, 56000 Vannes",
)
BENNETT = Party(
    party_id="P-001873",
    kind=PartyKind.PERSON,
    display_name="Oliver Bennett",
    emails=("oliver.bennett@example.com",),
    phones=("+44 7700 900418",),
    customer_numbers=("CLI318245",),
    contract_numbers=("CTR-20230914",),
    postal_address="22 Marlowe Gardens, Canterbury CT1 3NP, United Kingdom",
)
MOREL = Party(
    party_id="P-002956",
    kind=PartyKind.PERSON,
    display_name="Julien Morel",
    emails=("julien.morel@example.org",),
    phones=("06 39 98 52 10", "02 61 91 08 33"),
    customer_numbers=("CLI775031",),
    contract_numbers=("CTR-20220618",),
    postal_address="5 impasse du Moulin, 44300 Nantes",
)
HADDAD = Party(
    party_id="P-003340",
    kind=PartyKind.PERSON,
    display_name="Karim Haddad",
    emails=("karim.haddad@example.com",),
    phones=("+33 6 39 98 71 03",),
    customer_numbers=("CLI529467",),
    contract_numbers=("CTR-20200153", "CTR-20240871"),
    postal_address="42 avenue Jean Jaurès, 69007 Lyon",
)
LEFORT = Party(
    party_id="P-005218",
    kind=PartyKind.ORGANISATION,
    display_name="Boulangerie Lefort SARL",
    emails=("contact@boulangerie-lefort.example.com",),
    phones=("02 61 91 44 08",),
    customer_numbers=("CLI861304",),
    contract_numbers=("CTR-20180466",),
    postal_address="3 place du Marché, 28000 Chartres",
)
BERNARD_LYON = Party(
    party_id="P-002204",
    kind=PartyKind.PERSON,
    display_name="Nicolas Bernard",
    emails=("nicolas.bernard@example.com",),
    phones=("04 65 71 33 61",),
    customer_numbers=("CLI240718",),
    contract_numbers=("CTR-20170529",),
    postal_address="9 rue Vendôme, 69006 Lyon",
)
BERNARD_BORDEAUX = Party(
    party_id="P-004781",
    kind=PartyKind.PERSON,
    display_name="Nicolas Bernard",
    emails=("n.bernard33@example.net",),
    phones=("+33 6 39 98 90 12",),
    customer_numbers=("CLI693582",),
    contract_numbers=("CTR-20250307",),
    postal_address="61 cours de l'Argonne, 33000 Bordeaux",
)
CLARKE = Party(
    party_id="P-001452",
    kind=PartyKind.PERSON,
    display_name="Emily Clarke",
    emails=("emily.clarke@example.org",),
    phones=("+44 20 7946 0018",),
    customer_numbers=("CLI147290",),
    contract_numbers=("CTR-20211190",),
    postal_address="41 Cranbrook Road, London E17 4QT, United Kingdom",
)
KEY_PARTIES = (LEMAIRE, BENNETT, MOREL, HADDAD, LEFORT, BERNARD_LYON, BERNARD_BORDEAUX, CLARKE)

FRENCH_FIRST_NAMES = (
    "Camille", "Hélène", "Sophie", "Nathalie", "Isabelle", "Chloé", "Manon", "Élodie",
    "Philippe", "Laurent", "Stéphane", "Olivier", "Mathieu", "Antoine", "François", "Benoît",
    "Agnès", "Margaux", "Yannick", "Rémi",
)  # fmt: skip
FRENCH_LAST_NAMES = (
    "Durand", "Fontaine", "Rousseau", "Girard", "Mercier", "Chevalier", "Perrin", "Gauthier",
    "Roux", "Faure", "Blanchard", "Lacroix", "Marchand", "Garnier", "Brunet", "Leclerc",
    "Caron", "Picard", "Renaud", "Vidal", "Arnaud", "Colin", "Huet", "Masson",
)  # fmt: skip
ENGLISH_FIRST_NAMES = (
    "Sarah", "Rebecca", "Hannah", "Charlotte", "Lucy", "Grace",
    "James", "Daniel", "Thomas", "Samuel", "George", "Matthew",
)  # fmt: skip
ENGLISH_LAST_NAMES = (
    "Walker", "Hughes", "Turner", "Collins", "Foster", "Harris",
    "Morgan", "Shaw", "Palmer", "Reynolds", "Fletcher", "Barker",
    "Ellis", "Lloyd", "Webb", "Holmes", "Doyle", "Pearce",
)  # fmt: skip
FRENCH_STREETS = (
    "rue de la République", "rue Victor Hugo", "avenue des Tilleuls", "boulevard Carnot",
    "rue du Château", "chemin des Vignes", "place de l'Église", "allée des Acacias",
)  # fmt: skip
# (city, postcode, landline prefix kept for fiction in that region)
FRENCH_CITIES = (
    ("Rennes", "35000", "02 61 91"),
    ("Angers", "49100", "02 61 91"),
    ("Lille", "59000", "03 53 01"),
    ("Reims", "51100", "03 53 01"),
    ("Grenoble", "38000", "04 65 71"),
    ("Montpellier", "34000", "04 65 71"),
    ("Toulouse", "31000", "05 36 49"),
    ("Pau", "64000", "05 36 49"),
    ("Versailles", "78000", "01 99 00"),
)
ENGLISH_STREETS = (
    "Station Road", "Church Lane", "Victoria Street", "Mill Road",
    "Park Avenue", "Queens Drive", "Orchard Close", "High Street",
)  # fmt: skip
ENGLISH_TOWNS = (
    ("London", "N7 8QB"),
    ("London", "SE15 4RT"),
    ("Bristol", "BS6 5LX"),
    ("Manchester", "M20 2PG"),
    ("York", "YO24 1AB"),
    ("Brighton", "BN1 6SL"),
)
FILLER_ORGANISATIONS = (
    ("Cabinet Vasseur Architectes", "cabinet-vasseur", "fr"),
    ("Garage des Quatre Vents", "garage-quatre-vents", "fr"),
    ("SCI Les Glycines", "sci-glycines", "fr"),
    ("Association Sportive de Brézolles", "as-brezolles", "fr"),
    ("Harbour Lane Logistics Ltd", "harbourlane", "en"),
    ("Greenfield Dental Practice", "greenfield-dental", "en"),
)
PERSONAL_MAIL_DOMAINS = ("example.com", "example.net", "example.org")


class _IdentifierAllocator:
    """Hands out identifiers that no other party holds (phones compared by their digits)."""

    def __init__(self, rng: random.Random, reserved: tuple[Party, ...]) -> None:
        self._rng = rng
        self._taken: set[str] = set()
        for party in reserved:
            self._taken.add(identifier_key(party.party_id))
            self._taken.update(identifier_key(value) for value in party.identifiers())

    def fresh(self, make: Callable[[random.Random], str]) -> str:
        """Draw values with `make` until one is not held yet, and reserve it."""
        while True:
            candidate = make(self._rng)
            if identifier_key(candidate) not in self._taken:
                self._taken.add(identifier_key(candidate))
                return candidate

    def party_id(self) -> str:
        """A new CRM id, P- and six digits."""
        return self.fresh(lambda rng: f"P-{rng.randrange(1000, 9999):06d}")

    def customer_number(self) -> str:
        """A new customer number, CLI and six digits."""
        return self.fresh(lambda rng: f"CLI{rng.randrange(100000, 999999)}")

    def contract_number(self) -> str:
        """A new contract number, CTR- then the year of signature and four digits."""
        return self.fresh(
            lambda rng: f"CTR-{rng.randrange(2012, 2027)}{rng.randrange(0, 10000):04d}"
        )


def identifier_key(value: str) -> str:
    """Return the form under which two identifiers are the same.

    Phone numbers compare by their last nine digits (so "06 39 98 14 27" and "+33639981427"
    are one number); every other identifier compares case-insensitively.
    """
    digits = "".join(ch for ch in value if ch.isdigit())
    looks_like_phone = "@" not in value and not value[:1].isalpha() and len(digits) >= 9
    return f"tel:{digits[-9:]}" if looks_like_phone else value.lower()


def _french_mobile(rng: random.Random) -> str:
    """A mobile number in the fiction range, in one of the ways customers write it."""
    high, low = rng.randrange(100), rng.randrange(100)
    style = rng.randrange(4)
    if style == 0:
        return f"06 39 98 {high:02d} {low:02d}"
    if style == 1:
        return f"+33 6 39 98 {high:02d} {low:02d}"
    if style == 2:
        return f"063998{high:02d}{low:02d}"
    return f"06.39.98.{high:02d}.{low:02d}"


def _english_phone(rng: random.Random) -> str:
    """A UK mobile or London number in Ofcom's drama range, in a common written form."""
    if rng.random() < 0.6:
        local = rng.randrange(1000)
        return f"+44 7700 900{local:03d}" if rng.random() < 0.5 else f"07700 900{local:03d}"
    return f"+44 20 7946 0{rng.randrange(1000):03d}"


def _mail_local_part(first: str, last: str, rng: random.Random) -> str:
    """How people spell their address: first.last, initial+last, last+digits..."""
    first_ascii = _ascii_slug(first)
    last_ascii = _ascii_slug(last)
    style = rng.randrange(4)
    if style == 0:
        return f"{first_ascii}.{last_ascii}"
    if style == 1:
        return f"{first_ascii[0]}.{last_ascii}"
    if style == 2:
        return f"{last_ascii}{rng.randrange(10, 99)}"
    return f"{first_ascii}{last_ascii}"


def _ascii_slug(name: str) -> str:
    """Lower-case ASCII form of a name, as it appears in an email address."""
    folded = name.lower().translate(str.maketrans("àâçéèêëîïôöùûü", "aaceeeeiioouuu"))
    return "".join(ch for ch in folded if ch.isalnum())


def _filler_person(rng: random.Random, ids: _IdentifierAllocator, taken_names: set[str]) -> Party:
    """A person with a French or English profile and one to three contracts."""
    french = rng.random() < 0.6
    firsts, lasts = (
        (FRENCH_FIRST_NAMES, FRENCH_LAST_NAMES)
        if french
        else (ENGLISH_FIRST_NAMES, ENGLISH_LAST_NAMES)
    )
    while True:
        first, last = rng.choice(firsts), rng.choice(lasts)
        if f"{first} {last}" not in taken_names:
            break
    taken_names.add(f"{first} {last}")
    email_count = rng.choices((0, 1, 2), weights=(1, 8, 1))[0]
    emails = tuple(
        ids.fresh(lambda r: f"{_mail_local_part(first, last, r)}@{r.choice(PERSONAL_MAIL_DOMAINS)}")
        for _ in range(email_count)
    )
    if french:
        city, postcode, landline = rng.choice(FRENCH_CITIES)
        address = f"{rng.randrange(1, 120)} {rng.choice(FRENCH_STREETS)}, {postcode} {city}"
        phones = [ids.fresh(_french_mobile)]
        if rng.random() < 0.3:
            phones.append(ids.fresh(lambda r: f"{landline} {_two_pairs(r)}"))
    else:
        town, postcode = rng.choice(ENGLISH_TOWNS)
        address = f"{rng.randrange(1, 120)} {rng.choice(ENGLISH_STREETS)}, {town} {postcode}"
        address += ", United Kingdom"
        phones = [ids.fresh(_english_phone)]
    return Party(
        party_id=ids.party_id(),
        kind=PartyKind.PERSON,
        display_name=f"{first} {last}",
        emails=emails,
        phones=tuple(phones),
        customer_numbers=(ids.customer_number(),),
        contract_numbers=tuple(
            ids.contract_number() for _ in range(rng.choices((1, 2, 3), weights=(10, 7, 3))[0])
        ),
        postal_address=address,
    )


def _two_pairs(rng: random.Random) -> str:
    """The last four digits of a French number, written as two pairs."""
    return f"{rng.randrange(100):02d} {rng.randrange(100):02d}"


def _filler_organisation(
    rng: random.Random, ids: _IdentifierAllocator, name: str, slug: str, language: str
) -> Party:
    """An organisation with a role mailbox, a switchboard and several contracts."""
    if language == "fr":
        city, postcode, landline = rng.choice(FRENCH_CITIES)
        address = f"{rng.randrange(1, 120)} {rng.choice(FRENCH_STREETS)}, {postcode} {city}"
        phone = ids.fresh(lambda r: f"{landline} {_two_pairs(r)}")
        mailbox = "contact"
    else:
        town, postcode = rng.choice(ENGLISH_TOWNS)
        address = f"Unit {rng.randrange(1, 20)}, {rng.choice(ENGLISH_STREETS)}, {town} {postcode}"
        address += ", United Kingdom"
        phone = ids.fresh(lambda r: f"+44 20 7946 0{r.randrange(1000):03d}")
        mailbox = "office"
    return Party(
        party_id=ids.party_id(),
        kind=PartyKind.ORGANISATION,
        display_name=name,
        emails=(ids.fresh(lambda _: f"{mailbox}@{slug}.example.com"),),
        phones=(phone,),
        customer_numbers=tuple(ids.customer_number() for _ in range(rng.randrange(1, 3))),
        contract_numbers=tuple(ids.contract_number() for _ in range(rng.randrange(2, 5))),
        postal_address=address,
    )


def build_referential(rng: random.Random) -> tuple[Party, ...]:
    """Return PARTY_COUNT parties: the key parties and seeded filler, sorted by party id.

    Every identifier is unique across parties; the only shared display name is the homonym
    pair of key parties named Nicolas Bernard.
    """
    ids = _IdentifierAllocator(rng, KEY_PARTIES)
    taken_names = {party.display_name for party in KEY_PARTIES}
    parties = list(KEY_PARTIES)
    parties.extend(
        _filler_organisation(rng, ids, name, slug, language)
        for name, slug, language in FILLER_ORGANISATIONS
    )
    while len(parties) < PARTY_COUNT:
        parties.append(_filler_person(rng, ids, taken_names))
    return tuple(sorted(parties, key=lambda party: party.party_id))


def referential_csv(parties: tuple[Party, ...]) -> str:
    """Render the parties as the CSV the identity service imports (HEADER, then one row each)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(party.csv_row() for party in parties)
    return buffer.getvalue()
