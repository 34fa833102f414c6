from __future__ import annotations

from django import template

from saveit.accounts.models import Membership
from saveit.engagements.models import Engagement

from ..models import Attestation
from ..permissions import can_download_attestations_of
from ..selectors import attestations_of_engagement

register = template.Library()


@register.filter
def may_download_attestations(member: Membership | None, engagement: Engagement) -> bool:
    """Whether to offer the engagement's archive of attestations (the view checks again)."""
    return can_download_attestations_of(member, engagement)


@register.simple_tag
def latest_attestations(engagement: Engagement, count: int = 50) -> list[Attestation]:
    """The engagement's latest attestations, for pages of lower apps (deployment) that show them
    without importing this app."""
    return list(attestations_of_engagement(engagement)[:count])
