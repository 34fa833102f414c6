from __future__ import annotations

from django.http import HttpRequest

from .navigation import entries_for


def membership(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    return {
        "member": member,
        "memberships": getattr(request, "memberships", []),
        "navigation": entries_for(member, request.path),
        # Time-boxed access (auditors): shown as a banner on every page until it ends.
        "access_ends_at": getattr(member, "expires_at", None),
    }
