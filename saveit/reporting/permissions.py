"""Who sees which dashboard: provider staff every client's, a client's readers their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import (
    ENGAGEMENT_CLIENT_READER_ROLES,
    OrganizationKind,
    Role,
    is_provider_staff,
)
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import access_engagement, engagements_visible_to

from .selectors import Scope


def can_see_dashboards(member: Membership | None) -> bool:
    return is_provider_staff(member) or (
        member is not None and member.is_current() and member.role in ENGAGEMENT_CLIENT_READER_ROLES
    )


def engagement_scope(member: Membership | None, engagement_id: int) -> Scope:
    """The scope of an engagement the member may read (same 404 for unknown and not yours)."""
    engagement = access_engagement(member, engagement_id)
    return Scope(engagement.client_id, engagement.pk)


def client_scope(member: Membership | None, organization_id: int) -> tuple[Scope, Organization]:
    """A client organisation's scope: its own readers, or provider staff (same 404 otherwise)."""
    if not can_see_dashboards(member):
        raise Http404
    assert member is not None
    if not is_provider_staff(member) and member.organization_id != organization_id:
        raise Http404
    organization = Organization.objects.filter(
        pk=organization_id, kind=OrganizationKind.CLIENT
    ).first()
    if organization is None:
        raise Http404
    return Scope(organization.pk), organization


def clients_for(member: Membership | None) -> list[Organization]:
    """The client organisations whose dashboard the member may open."""
    if is_provider_staff(member):
        return list(Organization.objects.filter(kind=OrganizationKind.CLIENT).order_by("name"))
    if can_see_dashboards(member):
        assert member is not None
        return [member.organization] if member.organization.kind == OrganizationKind.CLIENT else []
    return []


def follows_learners(member: Membership | None) -> bool:
    """Who is told of overdue learners (the inbox): the client's owner and managers who read the
    dashboards, and the provider's project managers; not auditors (they look, they do not act)."""
    if not can_see_dashboards(member):
        return False
    assert member is not None
    if is_provider_staff(member):
        return member.role == Role.PROJECT_MANAGER
    return member.role in (Role.CLIENT_OWNER, Role.CLIENT_MANAGER)


def followed_engagements(member: Membership | None) -> QuerySet[Engagement]:
    """The open engagements whose learners the member follows: every one of their client
    organisation, or those a project manager leads."""
    if not follows_learners(member):
        return Engagement.objects.none()
    assert member is not None
    engagements = engagements_visible_to(member).filter(closed_at__isnull=True)
    if member.role == Role.PROJECT_MANAGER:
        engagements = engagements.filter(project_manager=member)
    return engagements
