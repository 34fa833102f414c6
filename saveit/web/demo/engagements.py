"""One demo engagement per demo client, at the start of phase 0, so the board is not empty."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role
from saveit.engagements.models import Engagement
from saveit.engagements.services import create_engagement, record_interview, save_scoping_note

DEMO_ENGAGEMENTS = (
    (
        "Transports Ardent",
        "responsable@ardent.demo",
        "Procédures de sûreté des quais de chargement",
        "Former les caristes et chefs de quai aux consignes de sûreté révisées en 2026.",
    ),
)


@transaction.atomic
def load_demo_engagements() -> list[Engagement]:
    """Idempotent: an engagement with the same title for the same client is kept as it is."""
    manager = Membership.objects.filter(
        user__email="cheffe.projet@saveit.demo", role=Role.PROJECT_MANAGER
    ).first()
    created = []
    for client_name, owner_email, title, summary in DEMO_ENGAGEMENTS:
        client = Organization.objects.filter(name=client_name).first()
        owner = Membership.objects.filter(user__email=owner_email, organization=client).first()
        if (
            manager is None
            or client is None
            or Engagement.objects.filter(client=client, title=title).exists()
        ):
            continue
        engagement = create_engagement(
            client=client, by=manager, title=title, summary=summary, client_owner=owner
        )
        record_interview(
            engagement=engagement,
            by=manager,
            held_on=date(2026, 11, 16),
            participants="Thomas Girard, responsable sûreté\nInès Moreau, cheffe de projet",
            notes="Trois sites, 420 caristes. Procédure révisée à déployer avant mars 2027.",
        )
        save_scoping_note(
            engagement=engagement,
            by=manager,
            objectives="Chaque cariste connaît et applique les consignes de sûreté des quais.",
            scope="Site de Nantes\nSite de Rennes\nCaristes\nChefs de quai",
            constraints="Code du travail, art. R4323-55 (conduite des chariots).",
            expectations="Une attestation par personne formée, suivie par site.",
            planning="Note de cadrage : novembre 2026\nDéploiement : février 2027",
        )
        created.append(engagement)
    return created
