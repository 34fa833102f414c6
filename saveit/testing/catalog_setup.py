"""An engagement in phase 3, built from a procedure with numbered sections, and its people."""

from __future__ import annotations

import pytest

from saveit.accounts.roles import Role
from saveit.engagements import services as engagement_services
from saveit.orchestration import services as workflow
from saveit.testing.engagement_setup import (
    signed_proposal,
    through_phase_1,
    upload_procedure,
)
from saveit.testing.factories import make_member
from saveit.testing.pdf import make_pdf

PROCEDURE_V1 = (
    "PROCÉDURE DE NETTOYAGE DES PAILLASSES\n\n"
    "1. Objet\n"
    "La procédure décrit le nettoyage des paillasses du laboratoire de Lyon.\n\n"
    "2. Rôles et responsabilités\n"
    "Le technicien doit nettoyer la paillasse après chaque manipulation.\n"
    "Le responsable qualité vérifie le registre chaque semaine.\n"
    "La cheffe d'équipe signe le registre de nettoyage.\n\n"
    "3. Déroulement\n"
    "1) Retirer le matériel.\n2) Appliquer le désinfectant.\n3) Laisser agir.\n4) Essuyer.\n\n"
    "4. Délais\n"
    "Tout incident doit être déclaré sous 48 heures.\n"
    "Aucun produit ne doit être utilisé sans fiche de sécurité.\n"
).encode()

PROCEDURE_V2 = PROCEDURE_V1.replace(b"sous 48 heures", b"sous 24 heures")


def to_production(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    engagement_services.issue_proforma(engagement=engagement, by=pm)
    engagement_services.record_purchase_order(
        engagement=engagement, by=owner, uploaded_file=(make_pdf("Bon de commande"), "bc.pdf")
    )
    return workflow.advance_phase(engagement=engagement, by=pm)


@pytest.fixture
def designer_member(provider):
    return make_member(provider, Role.DESIGNER)


@pytest.fixture
def in_production(engagement, pm, owner):
    engagement = to_production(engagement, pm, owner)
    upload_procedure(engagement, owner, content=PROCEDURE_V1, name="nettoyage.txt", version="1.0")
    engagement.refresh_from_db()
    return engagement


def new_module(engagement, by, title: str = "Nettoyage des paillasses"):
    """A module built from the procedure: its draft 1.0, with proposals still to review."""
    from saveit.catalog import services

    return services.create_module(
        engagement=engagement,
        by=by,
        title=title,
        source_version_ids=[procedure_version(engagement).pk],
    )


def ready(version, by, **settings):
    """Every proposal accepted and a draw that fits the bank: the draft may be submitted."""
    from saveit.catalog import services
    from saveit.catalog.selectors import proposal_keys
    from saveit.catalog.snapshot import family_count

    if keys := proposal_keys(version):
        services.accept_proposals(version=version, by=by, keys=keys)
    data = services.VersionSettings(
        **{
            "title": version.title,
            "objectives": ["Appliquer la procédure de nettoyage."],
            "items_per_attempt": min(3, family_count(version.items.all())),
        }
        | settings
    )
    return services.update_settings(version=version, by=by, data=data)


def submitted(version, by):
    from saveit.catalog import services

    return services.submit_version(version=ready(version, by), by=by)


def procedure_version(engagement):
    from saveit.documents.models import DocumentVersion

    return DocumentVersion.objects.filter(
        source__engagement=engagement, original_name="nettoyage.txt", status="in_force"
    ).get()
