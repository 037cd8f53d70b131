"""A small bilingual (French/English) labelled set, a model trained on it once per session, and
a migrated classify database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chassis.database import Database
from chassis.migrations import upgrade
from classify_svc.examples import Example
from classify_svc.model import TrainedModel, train
from classify_svc.service import DEFINITION
from tests.support.databases import database_url

MESSAGES: dict[str, tuple[str, ...]] = {
    "cancellation": (
        "Je souhaite résilier mon contrat d'assurance habitation à la date d'échéance.",
        "Merci de prendre en compte la résiliation de mon contrat auto.",
        "Veuillez résilier mon abonnement, je déménage à l'étranger.",
        "Je vous informe de ma décision de résilier le contrat numéro 4521.",
        "Demande de résiliation de mon contrat santé au 31 décembre.",
        "Suite à la loi Hamon je demande la résiliation de mon contrat.",
        "Je ne souhaite plus être assuré chez vous, merci de résilier.",
        "Résiliation du contrat de mon véhicule vendu le mois dernier.",
        "I want to cancel my home insurance contract at renewal.",
        "Please cancel my car insurance policy, I sold the car.",
        "I am writing to terminate my contract with you.",
        "Kindly cancel my subscription from next month.",
        "Please confirm the cancellation of my policy number 4521.",
        "I would like to cancel my health insurance contract.",
        "Cancel my contract please, I no longer need this insurance.",
    ),
    "claim": (
        "Un dégât des eaux a inondé ma cuisine, je déclare un sinistre.",
        "Je déclare un sinistre : ma voiture a été accidentée hier.",
        "Déclaration de sinistre suite au vol de mon vélo.",
        "Mon pare-brise est cassé, comment déclarer le sinistre ?",
        "Suite à la tempête, le toit de ma maison est endommagé, sinistre à déclarer.",
        "J'ai eu un accident de voiture, voici le constat amiable du sinistre.",
        "Incendie dans mon garage, je souhaite déclarer un sinistre.",
        "Cambriolage à mon domicile, déclaration de sinistre et plainte jointe.",
        "I need to report a claim: water damage flooded my kitchen.",
        "My car was damaged in an accident yesterday, I want to file a claim.",
        "Claim for my stolen bicycle, police report attached.",
        "The storm damaged my roof, please open a claim.",
        "Fire in my garage last night, I am filing a claim.",
        "My windscreen is broken, how do I file a claim for the damage?",
        "Burglary at my home, I want to report a claim.",
    ),
    "billing": (
        "Je conteste le montant de ma dernière facture, il est trop élevé.",
        "Ma cotisation a augmenté sans explication, pouvez-vous vérifier la facture ?",
        "J'ai été prélevé deux fois ce mois-ci, merci de me rembourser.",
        "Erreur sur ma facture : le prélèvement mensuel est incorrect.",
        "Pourquoi le montant de ma cotisation a-t-il changé sur la facture ?",
        "Je souhaite un échéancier pour payer ma facture en retard.",
        "Le prélèvement de ma cotisation a été rejeté par ma banque.",
        "Merci de m'envoyer le détail de ma facture annuelle.",
        "I was charged twice this month, please refund the duplicate payment.",
        "My invoice amount is wrong, the premium is too high.",
        "Why did my monthly payment increase on the last invoice?",
        "Please send me a detailed invoice for this year.",
        "The direct debit for my premium failed, how can I pay the invoice?",
        "I dispute the charge on my latest bill.",
        "Can I pay my overdue invoice in instalments?",
    ),
    "address_change": (
        "Je déménage, voici ma nouvelle adresse : 12 rue des Lilas, Lyon.",
        "Merci de mettre à jour mon adresse postale suite à mon déménagement.",
        "Changement d'adresse à compter du 1er mars.",
        "Ma nouvelle adresse est 5 avenue Victor Hugo, Paris.",
        "Pouvez-vous modifier l'adresse de mon contrat, j'ai déménagé.",
        "Nous avons déménagé, veuillez noter notre nouvelle adresse.",
        "Mise à jour de l'adresse de correspondance, nouveau domicile à Nantes.",
        "Je vous communique mon changement d'adresse après déménagement.",
        "I have moved, my new address is 12 Lilac Street, Leeds.",
        "Please update my postal address, I moved last week.",
        "Change of address from March 1st.",
        "My new home address is 5 Victoria Road, London.",
        "We moved house, please record our new address.",
        "Could you change the address on my policy after my move?",
        "Please send my mail to my new address from now on.",
    ),
    "certificate": (
        "Pouvez-vous m'envoyer une attestation d'assurance habitation ?",
        "J'ai besoin d'une attestation d'assurance pour mon propriétaire.",
        "Merci de me transmettre l'attestation scolaire pour mon fils.",
        "Demande d'attestation d'assurance auto pour la préfecture.",
        "Je souhaite recevoir une attestation de responsabilité civile.",
        "Envoyez-moi s'il vous plaît mon attestation annuelle.",
        "Il me faut une attestation d'assurance pour le bail de mon logement.",
        "Attestation d'assurance demandée par mon employeur, merci.",
        "Could you send me a certificate of insurance for my landlord?",
        "I need an insurance certificate for my car registration.",
        "Please email me the school insurance certificate for my son.",
        "Requesting a liability insurance certificate.",
        "I need proof of insurance, please send the certificate.",
        "My employer asks for an insurance certificate, can you send one?",
        "Please provide the annual certificate of insurance.",
    ),
}

CHANNELS = ("email", "mail", "form")


RequestFactory = Callable[..., Example]


@pytest.fixture(scope="session")
def examples() -> list[Example]:
    """Fifteen labelled examples per category, channel and attachments varying with position."""
    return [
        Example(
            subject="",
            text=text,
            channel=CHANNELS[position % len(CHANNELS)],
            attachment_media_types=("application/pdf",) if position % 4 == 0 else (),
            party_known=position % 2 == 0,
            category=category,
        )
        for category, texts in MESSAGES.items()
        for position, text in enumerate(texts)
    ]


@pytest.fixture(scope="session")
def make_request() -> RequestFactory:
    """Builds an unlabelled email request from a text (and a subject)."""

    def request(text: str, subject: str = "") -> Example:
        return Example(subject, text, "email", (), party_known=True)

    return request


@pytest.fixture(scope="session")
def model(examples: list[Example]) -> TrainedModel:
    """A model trained (and cross-validated) on the labelled set."""
    return train(examples, seed=0)


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh classify database on ``backend``, migrated."""
    with database_url(backend, tmp_path, "classify") as url:
        migrated = Database(url)
        upgrade(migrated, DEFINITION.migrations, "classify")
        try:
            yield migrated
        finally:
            migrated.dispose()
