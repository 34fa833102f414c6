"""A second demo engagement, in phase 4: a module built from a procedure awaits review."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.audit.services import sign_document
from saveit.catalog import services
from saveit.catalog.selectors import proposal_keys
from saveit.documents.services import VersionInput, upload_version
from saveit.engagements import services as lifecycle
from saveit.engagements.models import Engagement
from saveit.orchestration import services as workflow
from saveit.web.demo.accounts import DEMO_PASSWORD

TITLE = "Nettoyage et désinfection des paillasses"
PROCEDURE = """# PROCÉDURE DE NETTOYAGE ET DE DÉSINFECTION DES PAILLASSES

## 1. Objet

Cette procédure fixe la façon de nettoyer puis de désinfecter les paillasses des
laboratoires de Lyon et de Grenoble, pour éviter toute contamination entre deux analyses.

## 2. Rôles et responsabilités

- Le technicien doit nettoyer sa paillasse après chaque série d'analyses.
- Le responsable qualité vérifie le registre de nettoyage chaque semaine.
- La cheffe d'équipe signe le registre à la fin de chaque journée.

## 3. Déroulement

1. Retirer tout le matériel de la paillasse.
2. Éliminer les déchets dans le conteneur adapté.
3. Appliquer le détergent puis rincer.
4. Appliquer le désinfectant et respecter un temps de contact de 10 minutes.
5. Consigner l'opération dans le registre.

## 4. Règles de sécurité

Le port de gants nitrile est obligatoire pendant toute l'opération.
Aucun produit ne doit être utilisé sans sa fiche de données de sécurité.
Il ne faut jamais mélanger deux produits désinfectants.

## 5. Incidents

Tout déversement doit être signalé au responsable qualité sous 24 heures.
"""


def sign_as(artefact, member: Membership) -> None:
    artefact.refresh_from_db()
    sign_document(
        document=artefact.document, by=member, intent="Lu et approuvé", password=DEMO_PASSWORD
    )


@transaction.atomic
def load_demo_modules() -> Engagement | None:
    """Idempotent: does nothing when the engagement exists or a demo login is missing."""
    client = Organization.objects.filter(name="Laboratoires Hélios").first()
    manager = Membership.objects.filter(user__email="cheffe.projet@saveit.demo").first()
    designer = Membership.objects.filter(user__email="concepteur@saveit.demo").first()
    owner = Membership.objects.filter(
        user__email="responsable@helios.demo", organization=client
    ).first()
    if not (client and manager and designer and owner):
        return None
    if Engagement.objects.filter(client=client, title=TITLE).exists():
        return None
    engagement = lifecycle.create_engagement(
        client=client, by=manager, title=TITLE, client_owner=owner,
        summary="Former les techniciens des deux sites à la procédure révisée.",
    )  # fmt: skip
    lifecycle.record_interview(
        engagement=engagement, by=manager, held_on=date(2026, 11, 3),
        participants="Sophie Martin, responsable qualité\nInès Moreau, cheffe de projet",
        notes="Deux sites, 120 techniciens ; procédure révisée en octobre 2026.",
    )  # fmt: skip
    lifecycle.save_scoping_note(
        engagement=engagement, by=manager,
        objectives="Chaque technicien applique la procédure de nettoyage révisée.",
        scope="Site de Lyon\nSite de Grenoble", constraints="Bonnes pratiques de laboratoire.",
        expectations="Une attestation par technicien.", planning="Déploiement : janvier 2027",
    )  # fmt: skip
    sign_as(lifecycle.issue_scoping_note(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    version = upload_version(
        engagement=engagement, by=owner,
        uploaded_file=(PROCEDURE.encode(), "procedure-nettoyage-paillasses.md"),
        data=VersionInput(
            title="Nettoyage et désinfection des paillasses", version_label="3.0",
            scopes=["Site de Lyon", "Site de Grenoble"], owner_name="Sophie Martin",
        ),
    )  # fmt: skip
    sign_as(workflow.generate_mapping_report(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    lifecycle.save_proposal(
        engagement=engagement, by=manager, need="Un module certifiant par procédure.",
        valid_until=timezone.localdate() + timedelta(days=30),
        planning="Conception : décembre 2026",
        lines=[lifecycle.LineInput("Conception du module certifiant", Decimal(1), Decimal("2400"))],
        deliverables=[lifecycle.DeliverableInput(TITLE, "", [version.source_id])],
    )  # fmt: skip
    sign_as(lifecycle.issue_proposal(engagement=engagement, by=manager), owner)
    lifecycle.issue_proforma(engagement=engagement, by=manager)
    sign_as(lifecycle.create_purchase_agreement(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    draft = services.create_module(
        engagement=engagement, by=designer, title=TITLE, source_version_ids=[version.pk]
    )
    services.accept_proposals(version=draft, by=designer, keys=proposal_keys(draft))
    services.update_settings(
        version=draft, by=designer,
        data=services.VersionSettings(
            title=TITLE, summary="Les gestes et les règles de la procédure, dans l'ordre.",
            objectives=list(draft.objectives), duration_minutes=25,
            items_per_attempt=min(6, draft.items.count()), pass_mark=80, max_attempts=3,
        ),
    )  # fmt: skip
    services.submit_version(version=draft, by=designer)
    return workflow.advance_phase(engagement=engagement, by=manager)
