"""Who handles privacy matters: the client's owner (controller) for its organisation, the
provider's admin for every organisation (processor, and controller of its own processings)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role, is_provider_admin, is_provider_staff
from saveit.core.refusals import get_in_scope

from .models import Breach, DataSubjectRequest, LegalHold


def is_client_owner(member: Membership | None) -> bool:
    return (
        member is not None
        and member.role == Role.CLIENT_OWNER
        and not member.organization.is_provider
        and member.is_current()
    )


def can_handle_requests(member: Membership | None, organization: Organization) -> bool:
    if is_provider_admin(member):
        return not organization.is_provider
    return is_client_owner(member) and member is not None and member.organization == organization


def can_use_privacy(member: Membership | None) -> bool:
    """Whether the privacy pages open at all for this member."""
    return is_provider_admin(member) or is_client_owner(member)


def can_manage_register(member: Membership | None) -> bool:
    """The processing register, breaches, retention and holds are the provider's records."""
    return is_provider_admin(member)


def requests_visible_to(member: Membership | None) -> QuerySet[DataSubjectRequest]:
    queryset = DataSubjectRequest.objects.select_related("organization")
    if is_provider_admin(member):
        return queryset
    if is_client_owner(member) and member is not None:
        return queryset.filter(organization_id=member.organization_id)
    return queryset.none()


def access_request(member: Membership | None, request_id: int) -> DataSubjectRequest:
    """Same 404 for 'does not exist' and 'not yours'."""
    return get_in_scope(requests_visible_to(member), request_id)


def breaches_visible_to(member: Membership | None) -> QuerySet[Breach]:
    if is_provider_admin(member):
        return Breach.objects.all()
    if is_client_owner(member) and member is not None:
        return Breach.objects.filter(organizations=member.organization_id)
    return Breach.objects.none()


def access_breach(member: Membership | None, breach_id: int) -> Breach:
    return get_in_scope(breaches_visible_to(member), breach_id)


def access_hold(member: Membership | None, hold_id: int) -> LegalHold:
    queryset = LegalHold.objects.all() if can_manage_register(member) else LegalHold.objects.none()
    return get_in_scope(queryset, hold_id)


def require_register_manager(member: Membership | None) -> None:
    if not can_manage_register(member):
        raise PermissionDenied


def client_organizations_for(member: Membership | None) -> QuerySet[Organization]:
    """The organisations whose requests this member may record."""
    if is_provider_admin(member):
        return Organization.objects.filter(kind="client", is_active=True)
    if is_client_owner(member) and member is not None:
        return Organization.objects.filter(pk=member.organization_id)
    return Organization.objects.none()


__all__ = ["is_provider_staff"]
