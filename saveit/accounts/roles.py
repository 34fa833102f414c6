"""Roles of SPEC §1 and what each may do. The one place that knows role names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Membership


class OrganizationKind(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    CLIENT = "client", _("Client")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    DESIGNER = "designer", _("Instructional designer")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    CLIENT_OWNER = "client_owner", _("Business content owner")
    CLIENT_MANAGER = "client_manager", _("Client manager")
    LEARNER = "learner", _("Learner")
    AUDITOR = "auditor", _("Auditor")


class AuditorScope(models.TextChoices):
    """What an auditor's invitation opens: one engagement's evidence pack, or (on the provider)
    the quality records and the audit binder (see saveit.quality.permissions)."""

    ENGAGEMENT = "engagement", _("One engagement's evidence pack")
    QUALITY = "quality", _("The quality records")


PROVIDER_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.PROJECT_MANAGER, Role.DESIGNER, Role.SUPPORT_AGENT, Role.QUALITY_MANAGER}
)
CLIENT_ROLES: frozenset[str] = frozenset({Role.CLIENT_OWNER, Role.CLIENT_MANAGER, Role.LEARNER})
# Auditors may be given time-boxed access to either kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.PROVIDER: PROVIDER_ROLES | {Role.AUDITOR},
    OrganizationKind.CLIENT: CLIENT_ROLES | {Role.AUDITOR},
}

# Who must pass a second factor whatever their organisation's rule: provider staff (SPEC §15)
# and business content owners, who sign the client's validations.


class SecondFactorRule(models.TextChoices):
    """An organisation's rule: who among its members must set up and give a second factor."""

    SIGNERS = "signers", _("Provider staff and business content owners (who sign)")
    EVERYONE = "everyone", _("Every member, learners included")


# Who manages the members of an organisation (besides provider admins, who manage all).
MEMBER_MANAGER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.CLIENT_OWNER})
# Who may read an organisation's audit trail.
AUDIT_READER_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.QUALITY_MANAGER, Role.CLIENT_OWNER, Role.AUDITOR}
)
# Who may upload organisation-level documents for signature.
DOCUMENT_EDITOR_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.PROJECT_MANAGER, Role.QUALITY_MANAGER, Role.CLIENT_OWNER}
)
# Who may read organisation-level documents and their evidence.
DOCUMENT_READER_ROLES: frozenset[str] = DOCUMENT_EDITOR_ROLES | {
    Role.DESIGNER,
    Role.CLIENT_MANAGER,
    Role.AUDITOR,
}
# Roles that may be asked to sign an organisation-level document.
SIGNER_ROLES: frozenset[str] = frozenset(
    {
        Role.ADMIN,
        Role.PROJECT_MANAGER,
        Role.QUALITY_MANAGER,
        Role.CLIENT_OWNER,
        Role.CLIENT_MANAGER,
        Role.LEARNER,
    }
)


def is_provider_staff(member: Membership | None) -> bool:
    """The one definition of provider staff: a current membership of the provider organisation
    in one of its own roles (an auditor visiting the provider is not staff)."""
    return (
        member is not None
        and member.role in PROVIDER_ROLES
        and member.organization.is_provider
        and member.is_current()
    )


def requires_second_factor(member: Membership) -> bool:
    """Provider staff and business content owners (they sign) always use a second factor; an
    organisation may require it of every member."""
    return (
        is_provider_staff(member)
        or member.role == Role.CLIENT_OWNER
        or member.organization.second_factor_rule == SecondFactorRule.EVERYONE
    )


def is_provider_admin(member: Membership | None) -> bool:
    return is_provider_staff(member) and member is not None and member.role == Role.ADMIN


def role_label(code: str) -> str:
    """The readable name of a role code (the code itself when it is unknown)."""
    return str(Role(code).label) if code in Role.values else code


# Engagements: provider staff follow all of them; the client's readers follow their own.
ENGAGEMENT_MANAGER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.PROJECT_MANAGER})
ENGAGEMENT_CLIENT_READER_ROLES: frozenset[str] = frozenset(
    {Role.CLIENT_OWNER, Role.CLIENT_MANAGER, Role.AUDITOR}
)
# Who may build certifying modules (phase 3) for an engagement.
MODULE_DESIGNER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.DESIGNER})
# Who may add the client's source documents to an engagement.
SOURCE_UPLOADER_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.PROJECT_MANAGER, Role.DESIGNER, Role.CLIENT_OWNER}
)
