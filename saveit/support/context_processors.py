"""The planned-maintenance banner: every member of a client organisation sees the windows of
its contracts that are under way or start within the next 7 days."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import MaintenanceWindow
from .permissions import can_use_support

BANNER_AHEAD = dt.timedelta(days=7)


def maintenance_banner(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    if member is None or member.organization.is_provider:
        return {}

    def windows() -> list[MaintenanceWindow]:
        now = timezone.now()
        return list(
            MaintenanceWindow.objects.filter(
                contract__client_id=member.organization_id,
                ends_at__gte=now,
                starts_at__lte=now + BANNER_AHEAD,
            ).order_by("starts_at")[:3]
        )

    return {
        "maintenance_windows": SimpleLazyObject(windows),
        "maintenance_details": can_use_support(member),
    }
