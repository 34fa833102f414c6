"""Source documents are reached through their engagement: same 404 for 'not yours'."""

from __future__ import annotations

from saveit.accounts.models import Membership
from saveit.core.refusals import not_found
from saveit.engagements.permissions import access_engagement

from .models import DocumentVersion


def access_version(
    member: Membership | None, engagement_id: int, version_id: int
) -> DocumentVersion:
    engagement = access_engagement(member, engagement_id)
    version = (
        DocumentVersion.objects.filter(pk=version_id, source__engagement=engagement)
        .select_related("source__engagement", "uploaded_by__user")
        .first()
    )
    if version is None:
        raise not_found(DocumentVersion, version_id)
    return version
