from __future__ import annotations

from django import template

from saveit.accounts.models import Membership
from saveit.engagements.models import Engagement

from ..permissions import can_download_attestations_of

register = template.Library()


@register.filter
def may_download_attestations(member: Membership | None, engagement: Engagement) -> bool:
    """Whether to offer the engagement's archive of attestations (the view checks again)."""
    return can_download_attestations_of(member, engagement)
