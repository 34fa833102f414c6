"""The demo installation: the provider and two client organisations, one login per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import AuditorScope, OrganizationKind, Role
from saveit.accounts.services import add_member, create_organization, update_organization

DEMO_PASSWORD = "saveit-demo-2026"  # noqa: S105 - published demo login


@dataclass(frozen=True)
class DemoOrg:
    name: str
    kind: str
    siren: str
    vat_number: str
    address: str
    people: tuple[tuple[str, str, str, str], ...]  # (email, role, first name, last name)
    # Legal mentions printed on invoices: (legal form, share capital, RCS city).
    mentions: tuple[str, Decimal | None, str] = ("", None, "")


DEMO_ORGS = (
    DemoOrg(
        "SAVE IT Studio",
        OrganizationKind.PROVIDER,
        "732829320",
        "FR44732829320",
        "12 rue des Ateliers\n69002 Lyon",
        (
            ("admin@saveit.demo", Role.ADMIN, "Camille", "Roux"),
            ("cheffe.projet@saveit.demo", Role.PROJECT_MANAGER, "Inès", "Moreau"),
            ("concepteur@saveit.demo", Role.DESIGNER, "Hugo", "Lefèvre"),
            ("support@saveit.demo", Role.SUPPORT_AGENT, "Léa", "Garnier"),
            ("qualite@saveit.demo", Role.QUALITY_MANAGER, "Marc", "Dubois"),
            # Reads the quality records and the audit binder for 30 days (load_demo_auditors).
            ("auditeur.qualite@saveit.demo", Role.AUDITOR, "Agnès", "Perrin"),
        ),
        ("SAS", Decimal("50000"), "Lyon"),
    ),
    DemoOrg(
        "Laboratoires Hélios",
        OrganizationKind.CLIENT,
        "552100554",
        "FR96552100554",
        "8 avenue Pasteur\n31000 Toulouse",
        (
            ("responsable@helios.demo", Role.CLIENT_OWNER, "Sophie", "Martin"),
            ("manager@helios.demo", Role.CLIENT_MANAGER, "Julien", "Bernard"),
            ("apprenant@helios.demo", Role.LEARNER, "Nadia", "Petit"),
            ("auditeur@helios.demo", Role.AUDITOR, "Paul", "Lambert"),
        ),
    ),
    DemoOrg(
        "Transports Ardent",
        OrganizationKind.CLIENT,
        "356000000",
        "FR39356000000",
        "3 quai de la Loire\n44000 Nantes",
        (
            ("responsable@ardent.demo", Role.CLIENT_OWNER, "Thomas", "Girard"),
            ("manager@ardent.demo", Role.CLIENT_MANAGER, "Claire", "Fontaine"),
            ("apprenant@ardent.demo", Role.LEARNER, "Karim", "Benali"),
        ),
    ),
)


@transaction.atomic
def load_demo() -> list[Membership]:
    """Idempotent: running it again changes nothing that already exists."""
    memberships = []
    for spec in DEMO_ORGS:
        legal_form, share_capital, rcs_city = spec.mentions
        org = Organization.objects.filter(name=spec.name).first() or create_organization(
            name=spec.name,
            kind=spec.kind,
            siren=spec.siren,
            vat_number=spec.vat_number,
            address=spec.address,
            legal_form=legal_form,
            share_capital=share_capital,
            rcs_city=rcs_city,
        )
        if legal_form and not org.legal_form:  # a demo loaded before the mentions existed
            org = update_organization(
                organization=org,
                by=None,
                legal_form=legal_form,
                share_capital=share_capital,
                rcs_city=rcs_city,
            )
        for email, role, first, last in spec.people:
            if role == Role.AUDITOR:
                continue  # scoped to an engagement: load_demo_auditors, once engagements exist
            existing = Membership.objects.filter(
                organization=org, user__email=email, role=role
            ).first()
            membership = existing or add_member(
                organization=org,
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
            memberships.append(membership)
    return memberships


@transaction.atomic
def load_demo_auditors() -> None:
    """Each demo auditor reads their client's first engagement for 30 days (the quality records
    when the client has none yet). Idempotent."""
    from saveit.engagements.models import Engagement

    for spec in DEMO_ORGS:
        org = Organization.objects.filter(name=spec.name).first()
        if org is None:
            continue
        for email, role, first, last in spec.people:
            if (
                role != Role.AUDITOR
                or Membership.objects.filter(
                    organization=org, user__email=email, role=role
                ).exists()
            ):
                continue
            engagement = Engagement.objects.filter(client=org).order_by("pk").first()
            add_member(
                organization=org,
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                access_ends_on=timezone.localdate() + timedelta(days=30),
                scope=AuditorScope.ENGAGEMENT if engagement else AuditorScope.QUALITY,
                scope_object_id=engagement.pk if engagement else None,
            )
