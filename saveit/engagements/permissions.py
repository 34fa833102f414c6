"""Who may see and act on engagements; access_* fetch and check in one call (same 404)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import (
    ENGAGEMENT_CLIENT_READER_ROLES,
    ENGAGEMENT_MANAGER_ROLES,
    SOURCE_UPLOADER_ROLES,
    AuditorScope,
    OrganizationKind,
    Role,
    is_provider_staff,
)
from saveit.core.refusals import not_found

from .models import Engagement


def can_list_engagements(member: Membership | None) -> bool:
    return is_provider_staff(member) or (
        member is not None and member.role in ENGAGEMENT_CLIENT_READER_ROLES
    )


def engagements_visible_to(member: Membership | None) -> QuerySet[Engagement]:
    queryset = Engagement.objects.select_related(
        "client", "project_manager__user", "client_owner__user"
    )
    if is_provider_staff(member):
        return queryset
    if member is not None and member.role in ENGAGEMENT_CLIENT_READER_ROLES:
        if member.role == Role.AUDITOR:  # an auditor without a scope sees nothing
            return _auditor_scope(queryset, member)
        return queryset.filter(client_id=member.organization_id)
    return queryset.none()


def _auditor_scope(queryset: QuerySet[Engagement], member: Membership) -> QuerySet[Engagement]:
    """An auditor invited for one engagement sees that one only (and only while current); the
    quality scope opens no engagement."""
    if (
        member.scope != AuditorScope.ENGAGEMENT
        or member.scope_object_id is None
        or not member.is_current()
    ):
        return queryset.none()
    return queryset.filter(client_id=member.organization_id, pk=member.scope_object_id)


def engagement_fits_auditor_scope(organization: Organization, engagement_id: int | None) -> bool:
    """AUDITOR_SCOPE_CHECKS["engagement"]: the engagement exists and is this client's."""
    if engagement_id is None:
        return False
    return Engagement.objects.filter(pk=engagement_id, client=organization).exists()


def can_manage_engagement(member: Membership | None) -> bool:
    """Provider admins and project managers drive engagements (create, edit, advance), every
    one of them: the rule depends on the member only."""
    return (
        is_provider_staff(member)
        and member is not None
        and (member.role in ENGAGEMENT_MANAGER_ROLES)
    )


def can_add_sources(member: Membership | None, engagement: Engagement) -> bool:
    if member is None or member.role not in SOURCE_UPLOADER_ROLES:
        return False
    if is_provider_staff(member):
        return True
    return member.organization_id == engagement.client_id and member.role == Role.CLIENT_OWNER


def is_client_owner_of(member: Membership | None, engagement: Engagement) -> bool:
    return (
        member is not None
        and member.is_current()
        and member.organization_id == engagement.client_id
        and member.role == Role.CLIENT_OWNER
    )


def access_engagement(
    member: Membership | None, engagement_id: int, *, manage: bool = False
) -> Engagement:
    """Same 404 for 'does not exist' and 'not yours', so ids reveal nothing."""
    engagement = engagements_visible_to(member).filter(pk=engagement_id).first()
    if engagement is None:
        raise not_found(Engagement, engagement_id)
    if manage and not can_manage_engagement(member):
        raise PermissionDenied
    return engagement


def clients_open_to(member: Membership | None) -> QuerySet[Organization]:
    """The client organisations this member may start an engagement for."""
    if not can_manage_engagement(member):
        return Organization.objects.none()
    return Organization.objects.filter(kind=OrganizationKind.CLIENT, is_active=True)
