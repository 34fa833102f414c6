"""Who may read an organisation's audit trail; access_* fetch and check in one call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from saveit.accounts.models import Membership, Organization
from saveit.accounts.permissions import access_organization
from saveit.accounts.roles import AUDIT_READER_ROLES, Role, is_provider_staff

# Provider roles that read every organisation's trail (quality audits span all clients).
_PROVIDER_WIDE_READERS: frozenset[str] = frozenset({Role.ADMIN, Role.QUALITY_MANAGER})


def reads_every_trail(member: Membership | None) -> bool:
    return (
        is_provider_staff(member) and member is not None and member.role in _PROVIDER_WIDE_READERS
    )


def can_read_trail(member: Membership | None, organization: Organization) -> bool:
    if member is None:
        return False
    if reads_every_trail(member):
        return True
    return member.organization_id == organization.pk and member.role in AUDIT_READER_ROLES


def access_trail(member: Membership | None, organization_id: int | None = None) -> Organization:
    """The organisation whose trail the member asked for (their own when no id is given).

    An organisation the member cannot see answers 404, like one that does not exist; a role
    that may not read trails at all answers 403.
    """
    if member is None or member.role not in AUDIT_READER_ROLES:
        raise PermissionDenied
    if organization_id is None or organization_id == member.organization_id:
        organization = member.organization
    elif reads_every_trail(member):
        organization = get_object_or_404(Organization, pk=organization_id)
    else:
        organization = access_organization(member, organization_id)
    if not can_read_trail(member, organization):
        raise PermissionDenied
    return organization


def trail_organizations(member: Membership) -> list[Organization]:
    """The organisations offered in the trail's organisation chooser."""
    if reads_every_trail(member):
        return list(Organization.objects.order_by("kind", "name"))
    return [member.organization]
