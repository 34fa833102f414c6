"""Who reads an attestation: its holder, the client's owner and managers, the provider's staff."""

from __future__ import annotations

from django.http import Http404

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.engagements.permissions import is_provider_staff

from .models import Attestation


def access_attestation(member: Membership | None, attestation_id: int) -> Attestation:
    attestation = (
        Attestation.objects.select_related("learner", "module_version__module__engagement")
        .filter(pk=attestation_id)
        .first()
    )
    if attestation is None or member is None or not member.is_current():
        raise Http404
    if is_provider_staff(member):
        return attestation
    same_org = member.organization_id == attestation.organization_id
    if same_org and member.role in (Role.CLIENT_OWNER, Role.CLIENT_MANAGER):
        return attestation
    if same_org and member.role == Role.LEARNER and attestation.learner.user_id == member.user_id:
        return attestation
    raise Http404
