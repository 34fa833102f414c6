"""Personas of one engagement: the provider's project manager and the client's people."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.services import sign_document
from saveit.engagements import services
from saveit.engagements.models import Engagement
from saveit.orchestration import services as workflow
from saveit.testing.factories import PASSWORD, make_engagement, make_member


@pytest.fixture
def pm(provider):
    return make_member(provider, Role.PROJECT_MANAGER)


@pytest.fixture
def engagement(client_org, pm, owner) -> Engagement:
    return make_engagement(client_org, pm, title="Sécurité des laboratoires")


def sign(artefact, member):
    """The client owner signs the artefact's PDF, re-authenticating with the password."""
    artefact.refresh_from_db()
    return sign_document(
        document=artefact.document, by=member, intent="Lu et approuvé", password=PASSWORD
    )


def through_phase_0(engagement, pm, owner):
    services.record_interview(
        engagement=engagement,
        by=pm,
        held_on=date(2026, 11, 2),
        participants="Claire Dubois, responsable qualité\nMarc Petit, chef de projet",
        notes="Besoin : former 300 techniciens aux procédures d'hygiène.",
    )
    services.save_scoping_note(
        engagement=engagement,
        by=pm,
        objectives="Maîtriser les procédures d'hygiène.",
        scope="Site de Lyon\nTechniciens de laboratoire\nNettoyage des paillasses",
        constraints="Bonnes pratiques de laboratoire.",
        expectations="Attestation par apprenant.",
        planning="Cadrage : novembre 2026\nDéploiement : janvier 2027",
    )
    note = services.issue_scoping_note(engagement=engagement, by=pm)
    sign(note, owner)
    return workflow.advance_phase(engagement=engagement, by=pm)


def proposal_lines(amount: str = "1200"):
    return [
        services.LineInput("Conception d'un module certifiant", Decimal("2"), Decimal(amount)),
        services.LineInput("Hébergement et suivi (an)", Decimal("1"), Decimal("350.50")),
    ]


def valid_until():
    return timezone.localdate() + timedelta(days=30)


PROCEDURE_TXT = (
    "PROCÉDURE D'HYGIÈNE DES PAILLASSES\n\n"
    "1. Objet et périmètre\n"
    "La procédure s'applique au site de Lyon.\n\n"
    "2. Rôles et responsabilités\n"
    "Le technicien doit nettoyer la paillasse après chaque manipulation.\n\n"
    "3. Déroulement\n"
    "- Retirer le matériel.\n- Désinfecter la surface.\n"
).encode()


def upload_procedure(
    engagement,
    member,
    *,
    content=PROCEDURE_TXT,
    name="hygiene.txt",
    source_id=None,
    version="1.0",
    scopes=("Site de Lyon",),
):
    from saveit.documents.services import VersionInput, upload_version

    return upload_version(
        engagement=engagement,
        by=member,
        uploaded_file=(content, name),
        data=VersionInput(
            title="Hygiène des paillasses",
            version_label=version,
            scopes=list(scopes),
            owner_name="Claire Dubois",
            source_id=source_id,
        ),
    )


def through_phase_1(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    upload_procedure(engagement, owner)
    report = workflow.generate_mapping_report(engagement=engagement, by=pm)
    sign(report, owner)
    return workflow.advance_phase(engagement=engagement, by=pm)


def signed_proposal(engagement, pm, owner, amount="1200"):
    source = engagement.sources.first()
    services.save_proposal(
        engagement=engagement,
        by=pm,
        need="Former les techniciens.",
        valid_until=valid_until(),
        planning="Conception : décembre 2026",
        lines=proposal_lines(amount),
        deliverables=[services.DeliverableInput("Hygiène des paillasses", "", [source.pk])],
    )
    proposal = services.issue_proposal(engagement=engagement, by=pm)
    sign(proposal, owner)
    return proposal
