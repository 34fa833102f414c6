"""Who reads an attestation: its holder, the client's owner and managers, the provider's staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role, is_provider_staff
from saveit.core.refusals import not_found
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import access_engagement

from .models import Attestation

# The client roles that read every attestation of their organisation (a learner reads only hers).
CLIENT_READER_ROLES = (Role.CLIENT_OWNER, Role.CLIENT_MANAGER)


def access_attestation(member: Membership | None, attestation_id: int) -> Attestation:
    attestation = (
        Attestation.objects.select_related("learner", "module_version__module__engagement")
        .filter(pk=attestation_id)
        .first()
    )
    if attestation is None or member is None or not member.is_current():
        raise not_found(Attestation, attestation_id)
    if is_provider_staff(member):
        return attestation
    same_org = member.organization_id == attestation.organization_id
    if same_org and member.role in CLIENT_READER_ROLES:
        return attestation
    if same_org and member.role == Role.LEARNER and attestation.learner.user_id == member.user_id:
        return attestation
    raise not_found(Attestation, attestation_id)


def can_download_attestations_of(member: Membership | None, engagement: Engagement) -> bool:
    """The same people as for one attestation's PDF, so the archive is no way around that rule."""
    if is_provider_staff(member):
        return True
    return (
        member is not None
        and member.is_current()
        and member.organization_id == engagement.client_id
        and member.role in CLIENT_READER_ROLES
    )


def access_engagement_attestations(member: Membership | None, engagement_id: int) -> Engagement:
    """The engagement whose attestations `member` may download: 404 when it is not theirs, 403
    when they see the engagement but their role does not read attestations (an auditor)."""
    engagement = access_engagement(member, engagement_id)
    if not can_download_attestations_of(member, engagement):
        raise PermissionDenied
    return engagement
