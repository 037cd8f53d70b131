"""French fragments of the labelled set: how customers of an insurer and energy supplier write."""

from sample_generator.phrasebook import CategoryPhrases, Phrasebook

_ADDRESS_CHANGE = CategoryPhrases(
    subjects=(
        "Changement d'adresse",
        "Déménagement",
        "Nouvelle adresse",
        "Mise à jour de mes coordonnées",
    ),
    demands=(
        "Je vous informe de mon déménagement : ma nouvelle adresse est {address} à compter du "
        "{day}.",
        "Merci de mettre à jour mon adresse postale, j'habite désormais au {address}.",
        "Nous avons déménagé le {day}. Pouvez-vous envoyer tous nos courriers à notre nouvelle "
        "adresse : {address} ?",
        "Je souhaite modifier l'adresse qui figure sur mon contrat {contract}, la nouvelle est "
        "{address}.",
        "Changement d'adresse à enregistrer svp : {address}.",
        "Vos courriers partent toujours à mon ancien logement alors que j'ai déménagé, voici ma "
        "nouvelle adresse : {address}.",
        "Suite à une mutation professionnelle je quitte la région. Adresse à utiliser à partir du "
        "{day} : {address}.",
        "Ma fille et moi vivons maintenant au {address}, merci de corriger l'adresse de "
        "correspondance.",
    ),
    details=(
        "Le contrat reste le même, seule l'adresse change.",
        "Mon numéro de téléphone ne change pas.",
        "Les prochaines factures doivent arriver à cette adresse.",
        "Je peux vous envoyer un justificatif de domicile si besoin.",
        "L'ancien logement a été rendu au propriétaire le {day}.",
        "Merci de me confirmer que la modification est bien prise en compte.",
        "Plusieurs lettres me sont revenues avec la mention « n'habite pas à l'adresse indiquée ».",
    ),
    call_notes=(
        "{title} {name} signale un déménagement, nouvelle adresse : {address}. Mise à jour "
        "demandée à partir du {day}.",
        "Client a déménagé, courriers revenus NPAI. Demande la mise à jour de son adresse "
        "postale : {address}.",
        "{title} {name} souhaite changer l'adresse de facturation et de correspondance pour "
        "{address}. Modification faite en ligne pendant l'appel.",
    ),
    form_topic="Modifier mes coordonnées",
)

_CLAIM = CategoryPhrases(
    subjects=(
        "Déclaration de sinistre",
        "Sinistre",
        "Sinistre du {day}",
        "Déclaration",
        "Ouverture d'un dossier sinistre",
    ),
    demands=(
        "Je souhaite déclarer un sinistre : un dégât des eaux s'est produit chez moi le {day}.",
        "Ma voiture a été emboutie sur un parking le {day}, je voudrais ouvrir un dossier.",
        "Suite à l'orage du {day}, des tuiles se sont envolées et l'eau s'infiltre dans les "
        "chambres.",
        "On m'a volé mon vélo électrique dans le local fermé de la résidence le {day}.",
        "Un début d'incendie s'est déclaré dans la cuisine le {day}, les pompiers sont intervenus.",
        "Mon voisin du dessus a eu une fuite et le plafond de ma salle de bains est abîmé.",
        "Mon pare-brise a été fissuré par un gravillon sur l'autoroute le {day}.",
        "Nous avons été cambriolés pendant les vacances, nous l'avons découvert le {day}.",
    ),
    details=(
        "Je joins des photos des dégâts et le constat amiable.",
        "La plainte a été déposée au commissariat, je vous envoie le récépissé.",
        "Un expert doit-il passer avant que je fasse faire les réparations ?",
        "L'artisan m'a fait un devis de {amount} €.",
        "Quelles pièces dois-je fournir pour être indemnisé ?",
        "Le logement est assuré chez vous sous le contrat {contract}.",
        "Le parquet et le canapé du salon sont à remplacer.",
        "J'ai envoyé le formulaire de déclaration la semaine dernière et l'expert n'est toujours "
        "pas venu.",
    ),
    call_notes=(
        "{title} {name} déclare un dégât des eaux survenu le {day}, contrat {contract}. Photos "
        "à envoyer par mail, expert à missionner.",
        "Déclaration de sinistre auto : accrochage le {day}, tiers identifié, constat rempli "
        "sur place.",
        "{title} {name} signale un vol par effraction le {day}. Plainte déposée, liste des "
        "objets volés à transmettre.",
    ),
    form_topic="Déclarer un sinistre",
)

_CANCELLATION = CategoryPhrases(
    subjects=(
        "Résiliation",
        "Demande de résiliation",
        "Fin de contrat",
        "Résiliation contrat {contract}",
    ),
    demands=(
        "Je souhaite résilier mon contrat {contract} à sa date d'échéance.",
        "Par la présente, je vous notifie la résiliation de mon contrat {product} n° {contract}.",
        "Ayant vendu mon véhicule le {day}, je vous demande de résilier l'assurance "
        "correspondante.",
        "Je mets fin à mon contrat {product} à compter du {day}.",
        "Merci de clôturer mon contrat, je pars vivre à l'étranger.",
        "Je voudrais arrêter mon contrat {product}, j'ai trouvé moins cher ailleurs.",
        "En application de la loi Hamon, je résilie mon contrat {contract} souscrit il y a plus "
        "d'un an.",
        "Suite au décès de mon père, je souhaite mettre fin à son contrat {contract}.",
    ),
    details=(
        "Merci de me confirmer la date de fin et de m'envoyer une attestation de résiliation.",
        "Je vous remercie de cesser les prélèvements après la dernière échéance.",
        "Le logement a été vendu, l'acte a été signé chez le notaire le {day}.",
        "Mon dernier relevé de compteur indique {reading} kWh.",
        "Dites-moi si je dois vous renvoyer du matériel.",
        "Je reste client pour mes autres contrats.",
        "Merci de me rembourser l'éventuel trop-perçu.",
    ),
    call_notes=(
        "{title} {name} demande la résiliation du contrat {contract} (bien vendu). "
        "Confirmation écrite demandée.",
        "Client souhaite résilier son contrat {product} à l'échéance, motif : tarif. "
        "Proposition commerciale refusée.",
        "{title} {name} appelle pour clôturer le contrat d'un parent décédé, acte de décès à "
        "envoyer.",
    ),
    form_topic="Résilier un contrat",
)

_BILLING = CategoryPhrases(
    subjects=(
        "Facture {invoice}",
        "Question sur ma facture",
        "Contestation de facture",
        "Ma facture",
    ),
    demands=(
        "Je ne comprends pas le montant de ma dernière facture n° {invoice} : {amount} € alors "
        "que je paie habituellement beaucoup moins.",
        "Pouvez-vous m'expliquer la ligne « régularisation » de la facture {invoice} ?",
        "Ma facture est calculée sur une consommation estimée, or je vous ai transmis mon index "
        "le {day}.",
        "J'ai été facturé deux fois pour le même mois.",
        "Le tarif appliqué ne correspond pas à celui prévu par mon contrat {contract}.",
        "Je conteste la facture {invoice}, la cotisation a augmenté sans que j'en sois informé.",
        "Pourriez-vous me détailler le calcul de ma prime annuelle ?",
        "Le montant de mon échéance a doublé depuis le {day}, est-ce une erreur ?",
    ),
    details=(
        "Je paie par prélèvement mensuel depuis des années.",
        "Mon index réel est de {reading} kWh.",
        "Merci de corriger et de m'envoyer une facture rectificative.",
        "Je joins une copie de la facture avec les montants surlignés.",
        "La facture précédente était de {amount} €.",
        "Je n'ai pourtant rien changé à mon contrat.",
    ),
    call_notes=(
        "{title} {name} conteste le montant de la facture {invoice} ({amount} €), pense à une "
        "erreur d'index.",
        "Client ne comprend pas la régularisation annuelle, explications données en partie, à "
        "rappeler.",
        "{title} {name} signale une double facturation sur le mois, contrat {contract}.",
    ),
    form_topic="Question sur une facture",
)

_DOCUMENT_REQUEST = CategoryPhrases(
    subjects=(
        "Document à m'envoyer",
        "Besoin d'un justificatif",
        "Demande de document",
        "Demande de copie",
    ),
    demands=(
        "Pourriez-vous m'envoyer une attestation d'assurance habitation pour mon nouveau bail ?",
        "J'ai besoin d'un relevé d'information pour mon contrat auto {contract}.",
        "Merci de me transmettre une copie de mes conditions générales et particulières.",
        "Mon employeur me demande une attestation de responsabilité civile.",
        "Je n'arrive pas à télécharger mon échéancier sur l'espace client, pouvez-vous me "
        "l'envoyer ?",
        "Pouvez-vous me faire parvenir un duplicata de la facture {invoice} ?",
        "Il me faudrait une attestation d'assurance scolaire pour mes enfants.",
        "Je souhaite obtenir le récapitulatif des sommes versées l'an dernier pour ma "
        "déclaration d'impôts.",
    ),
    details=(
        "C'est assez urgent, l'agence attend le document avant le {day}.",
        "Un envoi par mail me convient très bien.",
        "Mon numéro de contrat est le {contract}.",
        "J'ai égaré l'exemplaire papier lors de mon déménagement.",
        "Le document doit être établi à nos deux noms, mon épouse et moi.",
        "Merci d'avance pour votre réactivité.",
    ),
    call_notes=(
        "{title} {name} demande une attestation d'assurance pour son bailleur, à envoyer par mail.",
        "Demande de relevé d'information (changement d'assureur auto prévu), contrat {contract}.",
        "{title} {name} souhaite recevoir une copie de ses conditions particulières.",
    ),
    form_topic="Obtenir un document",
)

_COMPLAINT = CategoryPhrases(
    subjects=(
        "Réclamation",
        "Mécontentement",
        "Toujours aucune réponse",
        "Réclamation officielle",
    ),
    demands=(
        "Je suis très mécontent du traitement de mon dossier : j'attends une réponse depuis "
        "trois semaines.",
        "Le technicien devait passer le {day} et personne n'est venu, sans même prévenir.",
        "C'est la troisième fois que j'appelle et on me raconte à chaque fois une histoire "
        "différente.",
        "Votre conseiller a été désagréable au téléphone, je trouve cela inadmissible.",
        "Je dépose une réclamation officielle concernant la gestion de mon sinistre.",
        "Je n'ai jamais reçu le remboursement promis et plus personne ne répond à mes mails.",
        "On m'avait promis un rappel sous 48 heures, j'attends toujours.",
        "Sans réponse de votre part sous huit jours, je saisirai le médiateur.",
    ),
    details=(
        "Je suis client depuis plus de quinze ans et je n'ai jamais été traité ainsi.",
        "J'ai dû poser une journée de congé pour rien.",
        "J'attends un geste commercial.",
        "Je veux parler à un responsable.",
        "Mon dossier concerne le contrat {contract}.",
        "J'envisage sérieusement de changer de fournisseur.",
    ),
    call_notes=(
        "{title} {name} très mécontent(e) : technicien absent au rendez-vous du {day}. Demande "
        "un geste commercial, escalade au superviseur.",
        "Réclamation : client relance pour la 3e fois sans réponse, ton agressif. Menace de "
        "saisir le médiateur.",
        "{title} {name} se plaint de l'accueil reçu en agence, souhaite une réponse écrite.",
    ),
    form_topic="Faire une réclamation",
)

_CONTRACT_CHANGE = CategoryPhrases(
    subjects=(
        "Modification de contrat",
        "Modification du contrat {contract}",
        "Changement sur mon contrat",
        "Avenant",
    ),
    demands=(
        "Je voudrais ajouter mon fils comme conducteur secondaire sur le contrat auto {contract}.",
        "Nous avons fait construire une véranda, il faut augmenter la surface assurée.",
        "Je souhaite passer à la formule tous risques pour mon véhicule.",
        "Pouvez-vous augmenter la puissance de mon compteur à 9 kVA ?",
        "Je change de voiture le {day} : merci de transférer l'assurance sur le nouveau véhicule.",
        "J'aimerais ajouter l'option assistance panne 0 km à mon contrat.",
        "Je souhaite retirer la garantie bris de glace de mon contrat {contract}.",
        "Nous nous sommes mariés, merci d'ajouter mon épouse comme co-titulaire du contrat.",
    ),
    details=(
        "Pouvez-vous m'indiquer le nouveau montant de la cotisation ?",
        "La modification doit prendre effet au {day}.",
        "Je vous envoie la carte grise du nouveau véhicule.",
        "Le reste du contrat ne change pas.",
        "Merci de m'envoyer l'avenant à signer.",
        "Il a obtenu son permis le {day}.",
    ),
    call_notes=(
        "{title} {name} souhaite ajouter un conducteur secondaire au contrat {contract}, effet "
        "au {day}. Devis d'avenant envoyé.",
        "Changement de véhicule annoncé, carte grise à recevoir. Contrat {contract} à mettre à "
        "jour.",
        "{title} {name} demande le passage à la formule supérieure, nouveau tarif communiqué.",
    ),
    form_topic="Modifier mon contrat",
)

_PAYMENT_ISSUE = CategoryPhrases(
    subjects=(
        "Problème de paiement",
        "Paiement",
        "Mon prélèvement",
        "Règlement",
    ),
    demands=(
        "Mon prélèvement du {day} a été rejeté par ma banque, comment puis-je régulariser ?",
        "J'ai changé de banque, voici mon nouveau RIB pour les prélèvements.",
        "Je traverse une période difficile et je voudrais un échéancier pour régler l'arriéré "
        "de {amount} €.",
        "J'ai reçu une lettre de relance alors que j'ai payé par virement le {day}.",
        "Le paiement par carte sur votre site ne fonctionne pas, ma carte est refusée à chaque "
        "fois.",
        "Vous avez prélevé deux fois la mensualité ce mois-ci, mon compte est à découvert.",
        "Pouvez-vous décaler la date de prélèvement au 10 du mois, après mon salaire ?",
        "J'ai reçu une mise en demeure pour un impayé de {amount} € que je ne comprends pas.",
    ),
    details=(
        "Je ne voudrais pas que mon contrat soit suspendu.",
        "Ma banque me facture des frais de rejet.",
        "Je peux payer {amount} € par mois.",
        "Je joins la preuve du virement.",
        "Merci de ne pas transmettre le dossier au recouvrement.",
        "Je vous envoie mon nouveau RIB en pièce jointe.",
    ),
    call_notes=(
        "{title} {name} signale un rejet de prélèvement le {day}, nouveau mandat SEPA à envoyer.",
        "Demande d'échéancier pour un impayé de {amount} €, accord sur 3 mensualités sous "
        "réserve de validation.",
        "{title} {name} a reçu une relance mais dit avoir payé par virement ; preuve de "
        "paiement à transmettre.",
    ),
    form_topic="Un problème de paiement",
)

FRENCH = Phrasebook(
    language="fr",
    categories={
        "address_change": _ADDRESS_CHANGE,
        "claim": _CLAIM,
        "cancellation": _CANCELLATION,
        "billing": _BILLING,
        "document_request": _DOCUMENT_REQUEST,
        "complaint": _COMPLAINT,
        "contract_change": _CONTRACT_CHANGE,
        "payment_issue": _PAYMENT_ISSUE,
    },
    greetings=("Bonjour,", "Madame, Monsieur,", "Bonjour Madame,", "Bonsoir,", "Bonjour à vous,"),
    closings=(
        "Cordialement,",
        "Bien cordialement,",
        "Merci d'avance.",
        "Bonne journée,",
        "Salutations distinguées.",
    ),
    letter_openings=("Madame, Monsieur,", "Madame,", "Monsieur,"),
    letter_closings=(
        "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
        "Veuillez recevoir, Madame, Monsieur, mes sincères salutations.",
        "Dans l'attente de votre réponse, je vous adresse mes salutations distinguées.",
    ),
    generic_subjects=(
        "Demande",
        "Mon contrat {contract}",
        "Client {customer}",
        "Question",
        "Re: votre courrier",
        "Urgent",
        "",
    ),
    shared_remarks=(
        "Je suis client chez vous depuis plusieurs années.",
        "Mon numéro client est le {customer}.",
        "Vous pouvez me joindre au {phone}.",
        "Merci de me répondre rapidement.",
        "Je reste à votre disposition pour tout complément.",
        "Je vous ai déjà écrit le mois dernier sans réponse.",
    ),
    signature_lines=("N° client : {customer}", "Tél. {phone}", "Contrat {contract}"),
    call_openings=("Appel entrant.", "Appel de {title} {name}.", "Tél. client {customer} :", ""),
    call_followups=(
        "Rappel prévu sous 48 h.",
        "Mail de confirmation envoyé.",
        "Dossier transmis au service concerné.",
        "",
    ),
    chat_openings=("bonjour", "Bonjour", "bjr", "Bonjour, petite question :", ""),
    form_other_topic="Autre demande",
    form_labels=("N° client :", "Votre message :"),
    titles=("Mme", "M."),
    women_first_names=(
        "Aurélie",
        "Céline",
        "Delphine",
        "Justine",
        "Lucie",
        "Pauline",
        "Mélanie",
        "Virginie",
    ),
    men_first_names=(
        "Baptiste",
        "Bastien",
        "Cédric",
        "Damien",
        "Fabrice",
        "Guillaume",
        "Jérôme",
        "Thierry",
    ),
    last_names=(
        "Aubert",
        "Barbier",
        "Bouvier",
        "Carpentier",
        "Dumas",
        "Fleury",
        "Guérin",
        "Hamel",
        "Jacquet",
        "Lebrun",
        "Moulin",
        "Noël",
        "Poirier",
        "Rivière",
        "Schmitt",
        "Tessier",
    ),
    months=(
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
    ),
    products=("habitation", "auto", "électricité", "gaz", "moto", "multirisque"),
    streets=(
        "rue des Lilas",
        "avenue Foch",
        "impasse des Peupliers",
        "rue Pasteur",
        "boulevard Gambetta",
        "chemin du Lavoir",
        "rue de la Gare",
        "place Bellecour",
    ),
    towns=(
        ("Marseille", "13006"),
        ("Strasbourg", "67000"),
        ("Dijon", "21000"),
        ("Tours", "37000"),
        ("Brest", "29200"),
        ("Limoges", "87000"),
        ("Annecy", "74000"),
        ("Amiens", "80000"),
    ),
    town_format="{postcode} {city}",
    letter_date="{city}, le {date}",
    subject_label="Objet : ",
    reference_label="Réf. : contrat {contract}",
    shorthands=(
        ("Bonjour", "Bjr"),
        ("s'il vous plaît", "svp"),
        ("rendez-vous", "rdv"),
        ("beaucoup", "bcp"),
        ("aujourd'hui", "auj"),
        ("quelque chose", "qqch"),
        ("toujours", "tjrs"),
        ("pour", "pr"),
        ("message", "msg"),
    ),
)
