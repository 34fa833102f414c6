"""Who may design, review and read modules; access_* fetch through the engagement (same 404)."""

from __future__ import annotations

from saveit.accounts.models import Membership
from saveit.accounts.roles import MODULE_DESIGNER_ROLES, is_provider_staff
from saveit.core.refusals import not_found
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import engagements_visible_to, is_client_owner_of

from .models import Module, ModuleVersion
from .selectors import versions_visible_to


def can_design(member: Membership | None) -> bool:
    """Provider designers, project managers and administrators build modules (of any
    engagement: the provider's staff follow them all)."""
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
    """A version the member may see (selectors.versions_visible_to), else 404."""
    version = versions_visible_to(member).filter(pk=version_id).first()
    if version is None:
        raise not_found(ModuleVersion, version_id)
    return version
