"""The platform's own processings, as the provider's register starts (editable afterwards)."""

from __future__ import annotations

from typing import Any

SECURITY = (
    "Hébergement dans l'Union européenne ; chiffrement TLS ; mots de passe hachés (Argon2) ; "
    "second facteur pour le personnel et les signataires ; journal d'audit chaîné et scellé ; "
    "cloisonnement par organisation vérifié par test ; sauvegardes chiffrées et testées."
)
NO_TRANSFER = "Aucun transfert hors de l'Union européenne."

PROCESSINGS: list[dict[str, Any]] = [
    {
        "key": "formation-apprenants",
        "role": "processor",
        "name": "Formation et certification des apprenants des clients",
        "purposes": "Affecter les modules, suivre la progression, évaluer, délivrer et vérifier "
        "les attestations, rendre compte au client.",
        "legal_basis": "Contrat avec le client (sous-traitance, art. 28 RGPD) ; le client est "
        "responsable de traitement.",
        "data_subjects": "Salariés et intervenants désignés par le client.",
        "data_categories": "Identité, adresse électronique, matricule, site, poste, responsable ; "
        "affectations, réponses et résultats, temps passé, traces de connexion (IP).",
        "recipients": "Le client (responsable et managers désignés) ; le personnel habilité du "
        "prestataire.",
        "subprocessors": "Hébergeur de la plateforme (Union européenne).",
        "transfers": NO_TRANSFER,
        "retention": "Durée du contrat ; preuves de formation 6 ans ; traces d'activité 3 ans ; "
        "adresses IP 1 an.",
        "security": SECURITY,
    },
    {
        "key": "contenus-clients",
        "role": "processor",
        "name": "Transformation des procédures du client en modules",
        "purposes": "Recevoir les procédures, concevoir les modules, faire valider le client.",
        "legal_basis": "Contrat avec le client (sous-traitance).",
        "data_subjects": "Interlocuteurs du client nommés dans les procédures et entretiens.",
        "data_categories": "Noms et fonctions des participants, comptes rendus d'entretien.",
        "recipients": "Le client ; l'équipe projet du prestataire.",
        "subprocessors": "Hébergeur de la plateforme (Union européenne).",
        "transfers": NO_TRANSFER,
        "retention": "Durée du contrat, puis restitution (réversibilité) et destruction.",
        "security": SECURITY,
    },
    {
        "key": "comptes-utilisateurs",
        "role": "controller",
        "name": "Gestion des comptes et sécurité de la plateforme",
        "purposes": "Authentifier, protéger les comptes, détecter les abus, tracer les actes.",
        "legal_basis": "Intérêt légitime (sécurité du service) ; obligation de preuve.",
        "data_subjects": "Utilisateurs de la plateforme.",
        "data_categories": "Identifiants, adresse électronique, adresses IP, navigateur, "
        "tentatives de connexion, événements de sécurité.",
        "recipients": "Administrateurs du prestataire.",
        "subprocessors": "Hébergeur de la plateforme (Union européenne).",
        "transfers": NO_TRANSFER,
        "retention": "Compte : durée de l'accès ; tentatives de connexion 30 jours ; événements "
        "de sécurité 1 an ; IP du journal d'audit 1 an.",
        "security": SECURITY,
    },
    {
        "key": "relation-client",
        "role": "controller",
        "name": "Relation commerciale et facturation",
        "purposes": "Propositions, contrats, bons de commande, factures, support.",
        "legal_basis": "Exécution du contrat ; obligation légale (comptabilité, 10 ans).",
        "data_subjects": "Interlocuteurs des clients.",
        "data_categories": "Identité, fonction, coordonnées professionnelles, signatures.",
        "recipients": "Équipe commerciale et comptable du prestataire ; expert-comptable.",
        "subprocessors": "Hébergeur de la plateforme (Union européenne).",
        "transfers": NO_TRANSFER,
        "retention": "Pièces comptables 10 ans ; documents contractuels signés 6 ans.",
        "security": SECURITY,
    },
    {
        "key": "demandes-violations",
        "role": "controller",
        "name": "Exercice des droits et registre des violations",
        "purposes": "Répondre aux demandes des personnes, documenter les violations.",
        "legal_basis": "Obligation légale (RGPD, art. 12 à 22 et 33).",
        "data_subjects": "Personnes ayant exercé un droit ; personnes touchées par une violation.",
        "data_categories": "Adresse électronique, nature de la demande, réponse apportée.",
        "recipients": "Responsable du contenu du client ; administrateurs du prestataire.",
        "subprocessors": "Hébergeur de la plateforme (Union européenne).",
        "transfers": NO_TRANSFER,
        "retention": "Demandes : 3 ans après la réponse ; registre des violations : 5 ans.",
        "security": SECURITY,
    },
]


def seed_register(model: Any) -> int:
    created = 0
    for entry in PROCESSINGS:
        _obj, made = model.objects.get_or_create(key=entry["key"], defaults=entry)
        created += int(made)
    return created
