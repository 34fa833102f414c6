from __future__ import annotations

import datetime as dt

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import OrganizationKind, Role
from saveit.support import services
from saveit.support.models import SupportContract
from saveit.testing.factories import make_member, make_organization


def provider() -> Organization:
    found = Organization.objects.filter(kind=OrganizationKind.PROVIDER).first()
    return found or make_organization("Studio prestataire", OrganizationKind.PROVIDER)


def make_agent() -> Membership:
    return make_member(provider(), Role.SUPPORT_AGENT)


def make_contract(client: Organization | None = None, reference: str = "") -> SupportContract:
    client = client or make_organization()
    return services.create_contract(
        client=client,
        reference=reference or f"SLA-{client.pk}",
        title="Support plateforme",
        starts_on=dt.date(2025, 1, 1),
        services=["Plateforme e-learning", "Site internet"],
    )
