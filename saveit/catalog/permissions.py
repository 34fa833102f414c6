"""Who may design, review and read modules; access_* fetch through the engagement (same 404)."""

from __future__ import annotations

from saveit.accounts.models import Membership
from saveit.accounts.roles import MODULE_DESIGNER_ROLES
from saveit.core.refusals import not_found
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import (
    engagements_visible_to,
    is_client_owner_of,
    is_provider_staff,
)

from .models import Module, ModuleVersion


def can_design(member: Membership | None, engagement: Engagement | None = None) -> bool:
    """Provider designers, project managers and administrators build modules."""
    return is_provider_staff(member) and member is not None and member.role in MODULE_DESIGNER_ROLES


def can_review(member: Membership | None, engagement: Engagement) -> bool:
    """The client's content owner validates what goes live (separation of duties)."""
    return is_client_owner_of(member, engagement)


def access_module(member: Membership | None, module_id: int) -> Module:
    engagements = engagements_visible_to(member)
    module = (
        Module.objects.select_related("engagement__client")
        .filter(pk=module_id, engagement__in=engagements)
        .first()
    )
    if module is None:
        raise not_found(Module, module_id)
    return module


def access_version(member: Membership | None, version_id: int) -> ModuleVersion:
    engagements = engagements_visible_to(member)
    version = (
        ModuleVersion.objects.select_related("module__engagement__client")
        .filter(pk=version_id, module__engagement__in=engagements)
        .first()
    )
    if version is None:
        raise not_found(ModuleVersion, version_id)
    # A draft is the designer's working copy: the client sees versions once submitted.
    if version.status == ModuleVersion.Status.DRAFT and not is_provider_staff(member):
        raise not_found(ModuleVersion, version_id)
    return version
