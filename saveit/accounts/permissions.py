"""Who may do what with organisations and members; access_* fetch and check in one call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from saveit.core.refusals import get_in_scope

from .models import ApiToken, Invitation, Membership, Organization
from .roles import MEMBER_MANAGER_ROLES, is_provider_admin
from .selectors import organizations_visible_to


def can_manage_members(member: Membership | None, organization: Organization) -> bool:
    if member is None:
        return False
    if is_provider_admin(member):
        return True
    return member.organization_id == organization.pk and member.role in MEMBER_MANAGER_ROLES


def can_manage_organizations(member: Membership | None) -> bool:
    return is_provider_admin(member)


def can_set_attestation_signature(member: Membership | None, organization: Organization) -> bool:
    """Only the provider's administrators say how the provider's attestations are signed."""
    return organization.is_provider and is_provider_admin(member)


def acting_member(request: HttpRequest) -> Membership:
    """The membership the request acts as (session switcher or API token); 403 without one."""
    member = getattr(request, "member", None)
    if member is None:
        raise PermissionDenied
    return member


def access_organization(
    member: Membership | None, organization_id: int, *, manage: bool = False
) -> Organization:
    """Same 404 for 'does not exist' and 'not yours', so ids reveal nothing."""
    organization = get_in_scope(organizations_visible_to(member), organization_id)
    if manage and not can_manage_members(member, organization):
        raise PermissionDenied
    return organization


def access_membership(member: Membership | None, membership_id: int) -> Membership:
    target = get_in_scope(
        Membership.objects.select_related("organization", "user").filter(
            organization__in=organizations_visible_to(member)
        ),
        membership_id,
    )
    if not can_manage_members(member, target.organization):
        raise PermissionDenied
    return target


def access_invitation(member: Membership | None, invitation_id: int) -> Invitation:
    invitation = get_in_scope(
        Invitation.objects.select_related("organization").filter(
            organization__in=organizations_visible_to(member)
        ),
        invitation_id,
    )
    if not can_manage_members(member, invitation.organization):
        raise PermissionDenied
    return invitation


def access_own_token(member: Membership | None, token_id: int) -> ApiToken:
    if member is None:
        raise PermissionDenied
    return get_in_scope(ApiToken.objects.filter(membership__user_id=member.user_id), token_id)
