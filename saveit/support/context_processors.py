"""The planned-maintenance banner: every member of a client organisation sees the windows of
its contracts that are under way or start within the next 7 days."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .banner import banner_windows
from .permissions import can_use_support


def maintenance_banner(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    if member is None or member.organization.is_provider:
        return {}
    return {
        "maintenance_windows": SimpleLazyObject(
            lambda: banner_windows(member.organization_id, timezone.now())
        ),
        "maintenance_details": can_use_support(member),
    }
