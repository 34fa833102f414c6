"""Test data: organisations, members with a role, and signed-in clients."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts import services
from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import AuditorScope, OrganizationKind, Role, requires_second_factor
from saveit.audit import services as audit_services
from saveit.audit.models import Document

from .pdf import make_pdf

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only
_counter = itertools.count(1)


# A provider issues invoices: it has the legal mentions French law requires on them.
PROVIDER_MENTIONS = {
    "siren": "732829320",
    "legal_form": "SAS",
    "share_capital": Decimal("10000"),
    "rcs_city": "Lyon",
}


def make_organization(
    name: str | None = None, kind: str = OrganizationKind.CLIENT, **details: Any
) -> Organization:
    if kind == OrganizationKind.PROVIDER:
        details = {**PROVIDER_MENTIONS, **details}
    return services.create_organization(
        name=name or f"Organisation {next(_counter)}", kind=kind, **details
    )


def make_member(
    organization: Organization, role: str = Role.CLIENT_OWNER, email: str | None = None
) -> Membership:
    email = email or f"{role}-{next(_counter)}@{organization.slug}.test"
    # An auditor always comes with an end date and a scope: the quality records here (which open
    # no engagement); tests of an engagement's auditor scope it themselves.
    auditor = role == Role.AUDITOR
    return services.add_member(
        organization=organization,
        email=email,
        role=role,
        password=PASSWORD,
        first_name=role.replace("_", " ").title(),
        last_name=organization.name,
        access_ends_on=timezone.localdate() + timedelta(days=30) if auditor else None,
        scope=AuditorScope.QUALITY if auditor else "",
    )


def make_auditor(organization: Organization, engagement_id: int) -> Membership:
    """An auditor of this organisation who reads one engagement, for 30 days."""
    return services.add_member(
        organization=organization,
        email=f"auditor-{next(_counter)}@{organization.slug}.test",
        role=Role.AUDITOR,
        password=PASSWORD,
        access_ends_on=timezone.localdate() + timedelta(days=30),
        scope=AuditorScope.ENGAGEMENT,
        scope_object_id=engagement_id,
    )


def make_document(
    by: Membership,
    roles: tuple[str, ...] = (Role.CLIENT_OWNER, Role.CLIENT_MANAGER),
    title: str = "Note de cadrage",
) -> Document:
    """A real PDF uploaded by this member, to be signed by these roles of its organisation."""
    return audit_services.upload_document(
        organization=by.organization,
        by=by,
        uploaded_file=(make_pdf(title), "note.pdf"),
        title=title,
        signer_roles=list(roles),
    )


def signed_in(membership: Membership) -> Client:
    """A browser-like client signed in as this membership (TOTP passed by those who need it)."""
    from saveit.accounts.second_factor import is_required
    from saveit.accounts.selectors import current_memberships

    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["active_membership_id"] = membership.pk
    if is_required(current_memberships(membership.user)) or requires_second_factor(membership):
        device = TOTPDevice.objects.filter(user=membership.user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(
            user=membership.user, name="authenticator", confirmed=True
        )
        session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def bearer(membership: Membership) -> dict[str, str]:
    """Headers for an API call with a fresh personal token of this membership."""
    issued = services.issue_api_token(membership=membership, name="test")
    return {"Authorization": f"Bearer {issued.secret}"}


def make_engagement(
    client: Organization, project_manager: Membership | None = None, title: str = ""
):
    """An engagement of this client in phase 0, driven by a provider project manager."""
    from saveit.engagements.services import create_engagement

    if project_manager is None:
        provider = Organization.objects.filter(kind=OrganizationKind.PROVIDER).first()
        provider = provider or make_organization("Studio prestataire", OrganizationKind.PROVIDER)
        project_manager = make_member(provider, Role.PROJECT_MANAGER)
    return create_engagement(
        client=client, by=project_manager, title=title or f"Mission {client.name}"
    )
